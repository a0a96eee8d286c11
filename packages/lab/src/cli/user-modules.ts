import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './argv.js';

/** The paths named by `--import PATH[,PATH…]`, as given. */
function givenImports(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg === '--import' ? argv[i + 1] : arg.startsWith('--import=') ? arg.slice('--import='.length) : undefined;
    if (value === undefined) continue;
    out.push(...value.split(',').filter(Boolean));
  }
  return out;
}

/** The file URLs named by `--import`, resolved against the working directory (for sweep workers too). */
export function importPaths(argv: readonly string[]): string[] {
  return givenImports(argv).map((path) => pathToFileURL(resolve(path)).href);
}

/**
 * Loads the modules named by `--import PATH[,PATH…]` before the arguments are checked, so an
 * activation such a module registers is a valid `--hidden` or `--output` name.
 */
export async function importUserModules(argv: readonly string[]): Promise<void> {
  for (const path of givenImports(argv)) {
    try {
      await import(pathToFileURL(resolve(path)).href);
    } catch (err) {
      throw new UsageError(`--import ${path}: cannot load it (${(err as Error).message.split('\n')[0]})`);
    }
  }
}
