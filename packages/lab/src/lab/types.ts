import type { MetricName, TaskName, TrainSettings } from '../tasks.js';

/** What one epoch of one run leaves behind; the lab's charts are drawn from these. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  /** Test accuracy or R², per the task. */
  metric: number;
  /** ‖∂L/∂W‖ of each Linear layer's weight on nn's probe batch after the epoch. */
  gradNorms: number[];
  /** Per hidden layer, ReLU only (NaN otherwise): share of units negative on every probe row. */
  dead: number[];
  /** Per hidden layer, sigmoid and tanh only (NaN otherwise): share of outputs in the flat tails. */
  saturated: number[];
}

/** One trained configuration × seed. */
export interface RunRecord {
  /** The configuration's label: the hidden activation, or `hidden → output` when outputs are swept too. */
  config: string;
  /** The compared hidden activation (every hidden layer has it). */
  activation: string;
  hidden: string[];
  output: string;
  seed: number;
  history: EpochRecord[];
  /** ‖∂L/∂W‖ per Linear layer before the first update. */
  initialGradNorms: number[];
  trainLoss: number;
  testLoss: number;
  metric: number;
  /** First epoch whose test metric reached the threshold, or null if none did. */
  epochsToThreshold: number | null;
  seconds: number;
  /** Σ|w| over every parameter before training, in float64: equal across configurations in same-start mode. */
  initChecksum: number;
}

/** What the report draws of a trained model: boundary (2-D classification), predictions (regression) or confusion counts. */
export interface RunPicture {
  config: string;
  activation: string;
  output: string;
  /** Predicted class of each test point (2-D classification), to mark the misclassified ones. */
  predictedTest?: Uint8Array;
  grid?: { x0: number; x1: number; y0: number; y1: number; width: number; height: number; probs: Float32Array; classes: number };
  predictions?: { truth: Float32Array; predicted: Float32Array };
  /** Classification with more than 2 inputs (no plane to draw): test counts by true and predicted class. */
  confusion?: { classes: string[]; counts: number[][] };
}

export interface LabOptions {
  task: TaskName;
  /** Hidden activations to compare; each names every hidden layer's activation in its run. */
  hidden: string[];
  /** Output activations to pair with every hidden one (usually one: the task's). */
  outputs: string[];
  seeds: number;
  /** First seed; run k uses seed + k for initialisation and data order. The data uses seed itself. */
  seed: number;
  settings: Omit<TrainSettings, 'hidden' | 'output' | 'seed'>;
  /** Metric threshold for "epochs to reach"; the task's bar by default. */
  threshold: number;
  /** Also run the deep narrow network with this many hidden layers (0: skip). */
  deep: number;
  /** Hidden activations of the deep comparison. */
  deepHidden: string[];
  /**
   * Same-start mode: every configuration of a seed starts from identical weights (one
   * initializer for all, `SAME_START_INIT`), so differences come from the activation alone.
   * Off: each activation gets the initializer that suits it (He, Glorot, LeCun), as mlp picks.
   */
  sameStart?: boolean;
}

/** A (hidden, output) pairing the pairing check refused before training, with its reason. */
export interface SkippedPairing {
  hidden: string;
  output: string;
  reason: string;
}

export interface DeepResult {
  depth: number;
  width: number;
  runs: RunRecord[];
}

export interface LabResult {
  options: LabOptions;
  metric: MetricName;
  runs: RunRecord[];
  pictures: RunPicture[];
  deep?: DeepResult;
  /** Test points of a 2-D classification task, drawn over the decision boundaries. */
  testPoints?: { x: number; y: number; label: string; cls: number }[];
  warnings: string[];
  /** Pairings left out because they cannot train (e.g. softmax over one output unit). */
  skipped: SkippedPairing[];
}
