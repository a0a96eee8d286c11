import { activationNames, getActivation } from '@actgrad/autograd';
import { advisedOutputs } from '../pairing.js';
import { checkName, formatOptions, parseArgv, UsageError, type OptionTable, type Parsed } from './argv.js';
import type { ExampleOptions } from '../run-example.js';
import { OPTIMIZERS, TASK_NAMES, TASKS, type OptimizerName, type TaskName, type TrainSettings } from '../tasks.js';


export interface LabCliOptions {
  task: TaskName;
  hidden: string[];
  outputs: string[];
  seeds: number;
  sameStart: boolean;
  threads?: number;
  settings: TrainSettings;
  threshold?: number;
  deep: number;
  json: boolean;
  out?: string;
}

export interface DemoOptions {
  epochs?: number;
  seed?: number;
  out?: string;
}

const TRAINING: OptionTable = {
  epochs: { kind: 'int', positive: true, value: 'N', help: 'passes over the training set' },
  lr: { kind: 'number', positive: true, value: 'X', help: 'learning rate' },
  batch: { kind: 'int', positive: true, value: 'N', help: 'mini-batch size' },
  optimizer: { kind: 'string', value: 'NAME', help: `one of ${OPTIMIZERS.join(', ')}` },
  sizes: { kind: 'list', value: 'N[,N…]', help: 'width of each hidden layer, e.g. 32,32' },
  seed: { kind: 'int', min: 0, value: 'N', help: 'seed of data, initialisation and data order' },
};

const IMPORT: OptionTable = {
  import: { kind: 'list', value: 'PATH[,PATH…]', help: 'load modules first, e.g. one that registers a custom activation' },
};

const EXAMPLE_OPTIONS: OptionTable = {
  hidden: { kind: 'list', value: 'NAME[,NAME…]', help: 'hidden activation(s): one for every layer, or one per layer' },
  output: { kind: 'string', value: 'NAME', help: 'output activation' },
  ...TRAINING,
  json: { kind: 'flag', help: 'print one JSON line with the result instead of the table' },
  ...IMPORT,
};

const LAB_OPTIONS: OptionTable = {
  task: { kind: 'string', value: 'NAME', help: `task to train (default moons): ${TASK_NAMES.join(', ')}` },
  hidden: { kind: 'list', value: 'NAME[,NAME…]|all', help: 'hidden activations to compare (default relu,leakyRelu,elu,selu,tanh,sigmoid; all: every elementwise one)' },
  output: { kind: 'list', value: 'NAME[,NAME…]|allowed|all', help: "output activation(s) to pair with each (default: the task's; allowed: what the notes' table lists for the task; all: every registered one, with the pairing warnings)" },
  seeds: { kind: 'int', positive: true, value: 'N', help: 'seeds per configuration (default 3)' },
  'same-start': { kind: 'flag', help: 'start every configuration of a seed from identical weights (one initializer, glorotUniform, for all)' },
  threads: { kind: 'int', positive: true, value: 'N', help: 'threads for the sweep (default: the cores when the sweep is long enough to pay for them; 1 runs in one thread)' },
  ...TRAINING,
  threshold: { kind: 'number', value: 'X', help: "test metric for 'epochs to reach' (default: the task's bar): accuracy in (0, 1], R² ≤ 1" },
  deep: { kind: 'int', min: 0, value: 'N', help: 'also train an N-hidden-layer narrow network with sigmoid, relu and selu' },
  out: { kind: 'string', value: 'PATH', help: 'where to write the HTML report (default actgrad-out/lab-<task>.html)' },
  json: { kind: 'flag', help: 'print the summary as one JSON line' },
  ...IMPORT,
};

const DEMO_OPTIONS: OptionTable = {
  epochs: TRAINING.epochs!,
  seed: TRAINING.seed!,
  out: { kind: 'string', value: 'PATH', help: 'where to write the HTML page (default actgrad-out/demo.html)' },
};

function taskTable(): string {
  const width = Math.max(...TASK_NAMES.map((t) => t.length));
  return TASK_NAMES.map((name) => {
    const t = TASKS[name];
    const bar = t.metric === 'accuracy' ? `accuracy ≥ ${Math.round(t.bar * 100)}%` : `R² ≥ ${t.bar}`;
    return `  ${name.padEnd(width)}  ${t.description}; output ${t.recommendedOutput}; ${bar}`;
  }).join('\n');
}

function defaultsTable(): string {
  const width = Math.max(...TASK_NAMES.map((t) => t.length));
  return TASK_NAMES.map((name) => {
    const d = TASKS[name].defaults;
    return `  ${name.padEnd(width)}  --sizes ${d.sizes.join(',')} --hidden ${d.hidden[0]} --output ${d.output} --epochs ${d.epochs} --lr ${d.lr} --batch ${d.batch} --optimizer ${d.optimizer} --seed ${d.seed}`;
  }).join('\n');
}

/** Built on demand: activations registered by --import modules are listed too. */
export const exampleHelp = (): string => `Usage: actgrad example <task> [options]

Trains a small MLP on one task and prints its train and test results.

Tasks (with the bar their defaults reach on the test split):
${taskTable()}

Options:
${formatOptions(EXAMPLE_OPTIONS)}

Defaults:
${defaultsTable()}

Activations: the registered ones, ${activationNames().join(', ')}.`;

/** Built on demand: activations registered by --import modules are listed too. */
export const labHelp = (): string => `Usage: actgrad lab [options]

Trains every hidden activation on one task with the same data, data order and seeds, prints
mean ± std over seeds and writes a self-contained HTML report. Training options default to the
task's (see actgrad example --help).

Options:
${formatOptions(LAB_OPTIONS)}

Activations: the registered ones, ${activationNames().join(', ')}.`;

/** Built on demand: activations registered by --import modules are listed too. */
export const demoHelp = (): string => `Usage: actgrad demo [options]

Trains the two-moons classifier, prints the result and writes an HTML page with the decision
boundary and the loss curve.

Options:
${formatOptions(DEMO_OPTIONS)}`;

function num(p: Parsed, key: string): number | undefined {
  return p.values[key] as number | undefined;
}

function activation(what: string, name: string, valid: readonly string[]): string {
  return checkName(what, name, valid);
}

/** Hidden sizes and activations: one activation spreads over every layer; several set the depth. */
function resolveLayers(p: Parsed, defaults: TrainSettings, valid: readonly string[]): { sizes: number[]; hidden: string[] } {
  const rawSizes = p.values.sizes as string[] | undefined;
  const sizes = rawSizes?.map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v <= 0) throw new UsageError(`--sizes must be positive integers; got "${s}"`);
    return v;
  });
  const hidden = (p.values.hidden as string[] | undefined)?.map((n) => activation('activation', n, valid));
  if (sizes && hidden && hidden.length !== 1 && hidden.length !== sizes.length) {
    throw new UsageError(`--hidden names ${hidden.length} activations but --sizes ${sizes.length} layers; give one activation, or one per layer`);
  }
  const depth = sizes?.length ?? (hidden && hidden.length > 1 ? hidden.length : defaults.sizes.length);
  const widths = sizes ?? Array.from({ length: depth }, (_, i) => defaults.sizes[Math.min(i, defaults.sizes.length - 1)]!);
  const acts = hidden ?? defaults.hidden;
  return { sizes: widths, hidden: Array.from({ length: depth }, (_, i) => acts[acts.length === 1 ? 0 : Math.min(i, acts.length - 1)]!) };
}

function resolveTraining(p: Parsed, defaults: TrainSettings, valid: readonly string[]): TrainSettings {
  const optimizer = p.values.optimizer as string | undefined;
  return {
    ...defaults,
    ...resolveLayers(p, defaults, valid),
    output: p.values.output !== undefined ? activation('activation', p.values.output as string, valid) : defaults.output,
    epochs: num(p, 'epochs') ?? defaults.epochs,
    lr: num(p, 'lr') ?? defaults.lr,
    batch: num(p, 'batch') ?? defaults.batch,
    optimizer: optimizer !== undefined ? checkName<OptimizerName>('optimizer', optimizer.toLowerCase(), OPTIMIZERS) : defaults.optimizer,
    seed: num(p, 'seed') ?? defaults.seed,
  };
}

/** `actgrad example <task> [options]`. */
export function parseExampleArgs(argv: readonly string[], valid: readonly string[] = activationNames()): ExampleOptions {
  const p = parseArgv(argv, EXAMPLE_OPTIONS, exampleHelp());
  if (p.positionals.length === 0) throw new UsageError(`missing task; valid tasks are ${TASK_NAMES.join(', ')}`);
  if (p.positionals.length > 1) throw new UsageError(`expected one task, got ${p.positionals.join(' ')}`);
  const task = checkName<TaskName>('task', p.positionals[0]!, TASK_NAMES);
  return { task, ...resolveTraining(p, TASKS[task].defaults, valid), json: p.values.json === true };
}

export type { ExampleOptions };

export const DEFAULT_LAB_HIDDEN = ['relu', 'leakyRelu', 'elu', 'selu', 'tanh', 'sigmoid'];

/** `actgrad lab [options]`. */
export function parseLabArgs(argv: readonly string[], valid: readonly string[] = activationNames()): LabCliOptions {
  const p = parseArgv(argv, LAB_OPTIONS, labHelp());
  if (p.positionals.length > 0) throw new UsageError(`unexpected argument "${p.positionals[0]}"; the task is given with --task NAME`);
  const task = checkName<TaskName>('task', (p.values.task as string | undefined) ?? 'moons', TASK_NAMES);
  const defaults = TASKS[task].defaults;
  const elementwise = valid.filter((n) => getActivation(n).elementwise);
  const rawHidden = p.values.hidden as string[] | undefined;
  const hidden = (rawHidden?.length === 1 && rawHidden[0] === 'all' ? elementwise : rawHidden ?? DEFAULT_LAB_HIDDEN.filter((n) => valid.includes(n)))
    .map((n) => activation('activation', n, valid));
  if (new Set(hidden).size !== hidden.length) throw new UsageError(`--hidden lists an activation twice: ${hidden.join(',')}`);
  const rawOutput = p.values.output as string[] | undefined;
  const outputs = rawOutput?.length === 1 && rawOutput[0] === 'allowed' ? advisedOutputs(TASKS[task])
    : rawOutput?.length === 1 && rawOutput[0] === 'all' ? [...valid]
      : (rawOutput ?? [defaults.output]).map((n) => activation('activation', n, valid));
  if (new Set(outputs).size !== outputs.length) throw new UsageError(`--output lists an activation twice: ${outputs.join(',')}`);
  // The compared activations fill every hidden layer, so the layers' defaults need only their widths.
  const p1: Parsed = { positionals: [], values: { ...p.values, hidden: [hidden[0]!], output: outputs[0]! } };
  const settings = resolveTraining(p1, defaults, valid);
  const threshold = num(p, 'threshold');
  if (threshold !== undefined) checkThreshold(task, threshold);
  return {
    task,
    hidden,
    outputs,
    seeds: num(p, 'seeds') ?? 3,
    sameStart: p.values['same-start'] === true,
    threads: num(p, 'threads'),
    settings,
    threshold,
    deep: num(p, 'deep') ?? 0,
    json: p.values.json === true,
    out: p.values.out as string | undefined,
  };
}

/** An accuracy threshold is a fraction in (0, 1]; an R² threshold is at most 1 (it may be negative). */
function checkThreshold(task: TaskName, value: number): void {
  if (TASKS[task].metric === 'accuracy') {
    if (value > 1 && value <= 100) throw new UsageError(`--threshold is a fraction for accuracy: ${value / 100} for ${value}%; got ${value}`);
    if (value <= 0 || value > 1) throw new UsageError(`--threshold for ${task} (accuracy) must be in (0, 1]; got ${value}`);
  } else if (value > 1) {
    throw new UsageError(`--threshold for ${task} (R²) must be ≤ 1; got ${value}`);
  }
}

/** `actgrad demo [options]`. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const p = parseArgv(argv, DEMO_OPTIONS, demoHelp());
  if (p.positionals.length > 0) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
  return { epochs: num(p, 'epochs'), seed: num(p, 'seed'), out: p.values.out as string | undefined };
}
