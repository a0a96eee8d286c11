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
  config: string;
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
}

/** What the report draws of a trained model: boundary (2-D classification), predictions (regression) or confusion counts. */
export interface RunPicture {
  config: string;
  grid?: { x0: number; x1: number; y0: number; y1: number; width: number; height: number; probs: Float32Array; classes: number };
  predictions?: { truth: Float32Array; predicted: Float32Array };
  /** Classification with more than 2 inputs (no plane to draw): test counts by true and predicted class. */
  confusion?: { classes: string[]; counts: number[][] };
}

export interface LabOptions {
  task: TaskName;
  /** Hidden activations to compare; each names every hidden layer's activation in its run. */
  hidden: string[];
  output: string;
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
  testPoints?: { x: number; y: number; label: string }[];
  warnings: string[];
}
