/**
 * A small argv parser for the example, the demo and the lab. Parsing is pure (argv in, values
 * or a `UsageError` out), so tests check every message without spawning a process.
 */

/** A mistake in the command line; the CLIs print its message and exit with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown for `--help`: its message is the help text, printed to stdout with status 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

type Kind = 'int' | 'number' | 'list' | 'string' | 'flag';

export interface OptionSpec {
  kind: Kind;
  value?: string; // placeholder in the help text
  help: string;
  /** Smallest value for `int` and `number` kinds (inclusive); `positive` excludes 0. */
  min?: number;
  positive?: boolean;
}

export type OptionTable = Record<string, OptionSpec>;
export type ParsedValue = number | string | string[] | boolean;

export interface Parsed {
  positionals: string[];
  values: Record<string, ParsedValue>;
}

/** `a, b or c`, for lists of valid names in messages. */
export function listNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Parses `--name value`, `--name=value` and `--flag`; `-h`/`--help` throws `HelpRequested`. */
export function parseArgv(argv: readonly string[], table: OptionTable, help: string): Parsed {
  const positionals: string[] = [];
  const values: Record<string, ParsedValue> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new HelpRequested(help);
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = table[name];
    if (!spec) {
      const valid = Object.keys(table).map((k) => `--${k}`);
      throw new UsageError(`unknown option --${name}; valid options are ${listNames([...valid, '--help'])}`);
    }
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      // A following option is not a value (except a negative number).
      if (raw === undefined || (raw.startsWith('--') && Number.isNaN(Number(raw)))) {
        throw new UsageError(`--${name} needs a value: --${name} ${spec.value ?? 'VALUE'}`);
      }
      i++;
    }
    values[name] = convert(name, spec, raw);
  }
  return { positionals, values };
}

function convert(name: string, spec: OptionSpec, raw: string): ParsedValue {
  switch (spec.kind) {
    case 'list': {
      const items = raw.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) throw new UsageError(`--${name}: empty name in "${raw}"; separate names with commas, e.g. relu,tanh`);
      return items;
    }
    case 'string':
      if (raw === '') throw new UsageError(`--${name} needs a non-empty value`);
      return raw;
    case 'int':
    case 'number': {
      const v = Number(raw);
      const what = spec.kind === 'int' ? 'an integer' : 'a number';
      if (raw.trim() === '' || !Number.isFinite(v) || (spec.kind === 'int' && !Number.isInteger(v))) {
        throw new UsageError(`--${name} must be ${what}; got "${raw}"`);
      }
      if (spec.positive && v <= 0) throw new UsageError(`--${name} must be ${what} > 0; got ${raw}`);
      if (spec.min !== undefined && v < spec.min) throw new UsageError(`--${name} must be ${what} ≥ ${spec.min}; got ${raw}`);
      return v;
    }
    default:
      return true;
  }
}

/** Checks one name against a list, with an error that lists the valid ones. */
export function checkName<T extends string>(what: string, name: string, valid: readonly T[]): T {
  if ((valid as readonly string[]).includes(name)) return name as T;
  const near = valid.find((v) => v.toLowerCase() === name.toLowerCase());
  const hint = near ? ` (did you mean ${near}?)` : '';
  throw new UsageError(`unknown ${what} "${name}"${hint}; valid ${what}s are ${listNames(valid)}`);
}

/** The help text's option lines, aligned, from the option table. */
export function formatOptions(table: OptionTable): string {
  const rows = Object.entries(table).map(([name, spec]) => [`--${name}${spec.kind === 'flag' ? '' : ` ${spec.value ?? 'VALUE'}`}`, spec.help] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`).join('\n');
}

/**
 * Runs a CLI's main: help goes to stdout; a usage error or a library's error (a shape, a NaN, a
 * bad option) prints its message alone, which names the problem, rather than a stack trace.
 * ACTGRAD_DEBUG=1 shows the stack.
 */
export async function runCli(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(`${err.message}\n`);
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n(run with --help for usage)\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof Error && !process.env.ACTGRAD_DEBUG) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
