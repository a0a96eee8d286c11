import { iris, moons, optimizerNames, regression, spirals, standardize, trainTestSplit, type Dataset, type OptimizerName } from '@actgrad/nn';

/**
 * The task table: one row per line of the lecture's use-scenario table. Each task fixes its
 * data, its default settings and the bar those defaults must reach on the test split; the tests
 * import this table, so they prove the very defaults the CLI uses.
 */

export type TaskKind = 'binary' | 'multiclass' | 'regression';
export type MetricName = 'accuracy' | 'r2';
export const OPTIMIZERS: readonly OptimizerName[] = optimizerNames;
export type { OptimizerName };

export interface TrainSettings {
  /** Width of each hidden layer; the hidden activations list has the same length. */
  sizes: number[];
  hidden: string[];
  output: string;
  epochs: number;
  lr: number;
  batch: number;
  optimizer: OptimizerName;
  seed: number;
  /** One weight initializer for every layer (nn's names); absent: the one that suits each activation. */
  init?: string;
}

export interface TaskData {
  train: Dataset;
  test: Dataset;
  /** Class names for classification, absent for regression. */
  classes?: string[];
  inputs: number;
  outputs: number;
}

export interface TaskDef {
  name: string;
  kind: TaskKind;
  /** One line for tables and help: what the data is. */
  description: string;
  /** The use-scenario table's recommended output activation. */
  recommendedOutput: string;
  /** Range of the targets, when bounded: it decides which output activations can reach them. */
  targetRange?: [number, number];
  metric: MetricName;
  /** Minimum test-set metric the defaults reach (accuracy as a fraction, or R²). */
  bar: number;
  defaults: TrainSettings;
  /** Train/test split; the seed fixes generation and split, so every run of a sweep sees the same data. */
  load(seed: number): TaskData;
}

/** Splits with a fixed fraction and standardises the features with the training part's statistics. */
function prepare(data: Dataset, seed: number, stratify: boolean, testFraction = 0.25): { train: Dataset; test: Dataset } {
  const { train, test } = trainTestSplit(data, { testFraction, seed, stratify });
  const scaled = standardize(train.x);
  return {
    train: { x: scaled.x, y: train.y },
    test: { x: standardize(test.x, scaled).x, y: test.y },
  };
}

/** Iris is small (150 rows): the usual 80/20 split keeps 120 rows to learn from. */
const TEST_FRACTION_IRIS = 0.2;

export const TASKS = {
  moons: {
    name: 'moons',
    kind: 'binary',
    description: 'two interleaving half-moons, 2 features, 2 classes',
    recommendedOutput: 'sigmoid',
    metric: 'accuracy',
    bar: 0.97,
    defaults: { sizes: [16, 16], hidden: ['relu', 'relu'], output: 'sigmoid', epochs: 60, lr: 0.01, batch: 32, optimizer: 'adam', seed: 42 },
    load: (seed) => ({ ...prepare(moons({ n: 600, noise: 0.15, seed }), seed, true), classes: ['0', '1'], inputs: 2, outputs: 1 }),
  },
  spirals: {
    name: 'spirals',
    kind: 'multiclass',
    description: 'three interleaved spiral arms, 2 features, 3 classes',
    recommendedOutput: 'softmax',
    metric: 'accuracy',
    bar: 0.95,
    defaults: { sizes: [48, 48], hidden: ['relu', 'relu'], output: 'softmax', epochs: 150, lr: 0.01, batch: 32, optimizer: 'adam', seed: 42 },
    load: (seed) => ({ ...prepare(spirals({ n: 600, noise: 0.15, seed }), seed, true), classes: ['0', '1', '2'], inputs: 2, outputs: 3 }),
  },
  iris: {
    name: 'iris',
    kind: 'multiclass',
    description: "Fisher's Iris flowers, 4 measurements, 3 species (real data)",
    recommendedOutput: 'softmax',
    metric: 'accuracy',
    bar: 0.93,
    defaults: { sizes: [16], hidden: ['relu'], output: 'softmax', epochs: 80, lr: 0.01, batch: 16, optimizer: 'adam', seed: 42 },
    load: (seed) => {
      const data = iris();
      return { ...prepare(data, seed, true, TEST_FRACTION_IRIS), classes: data.classes, inputs: 4, outputs: 3 };
    },
  },
  'unit-regression': {
    name: 'unit-regression',
    kind: 'regression',
    description: 'smooth surface of 2 features, targets scaled into [0, 1]',
    recommendedOutput: 'sigmoid',
    targetRange: [0, 1],
    metric: 'r2',
    bar: 0.95,
    defaults: { sizes: [32, 32], hidden: ['relu', 'relu'], output: 'sigmoid', epochs: 100, lr: 0.01, batch: 32, optimizer: 'adam', seed: 42 },
    load: (seed) => ({ ...prepare(regression({ n: 600, range: [0, 1], seed }), seed, false), inputs: 2, outputs: 1 }),
  },
  'signed-regression': {
    name: 'signed-regression',
    kind: 'regression',
    description: 'smooth surface of 2 features, targets scaled into [−1, 1]',
    recommendedOutput: 'tanh',
    targetRange: [-1, 1],
    metric: 'r2',
    bar: 0.95,
    defaults: { sizes: [32, 32], hidden: ['relu', 'relu'], output: 'tanh', epochs: 100, lr: 0.01, batch: 32, optimizer: 'adam', seed: 42 },
    load: (seed) => ({ ...prepare(regression({ n: 600, range: [-1, 1], seed }), seed, false), inputs: 2, outputs: 1 }),
  },
  regression: {
    name: 'regression',
    kind: 'regression',
    description: 'smooth surface of 2 features, targets spread over [−5, 5], beyond any bounded activation',
    recommendedOutput: 'linear',
    metric: 'r2',
    bar: 0.95,
    defaults: { sizes: [32, 32], hidden: ['relu', 'relu'], output: 'linear', epochs: 100, lr: 0.01, batch: 32, optimizer: 'adam', seed: 42 },
    load: (seed) => ({ ...prepare(regression({ n: 600, range: [-5, 5], seed }), seed, false), inputs: 2, outputs: 1 }),
  },
} satisfies Record<string, TaskDef>;

export type TaskName = keyof typeof TASKS;
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

export function getTask(name: TaskName): TaskDef {
  return TASKS[name];
}
