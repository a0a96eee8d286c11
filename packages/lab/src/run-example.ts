import type { Sequential } from '@actgrad/nn';
import type { Tensor } from '@actgrad/tensor';
import { TASKS, type TaskData, type TaskName, type TrainSettings } from './tasks.js';
import { trainTask, type EpochPoint } from './train.js';

/** One task's settings, resolved against the task's defaults (`json`: the CLI prints one JSON line). */
export interface ExampleOptions extends TrainSettings {
  task: TaskName;
  json: boolean;
}

/** The `--json` line: exactly these fields, in this order. */
export interface ExampleResult {
  task: string;
  hidden: string[];
  output: string;
  epochs: number;
  seed: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy?: number;
  testR2?: number;
  seconds: number;
}

export interface ExampleRun {
  options: ExampleOptions;
  result: ExampleResult;
  trainMetric: number;
  history: EpochPoint[];
  warnings: string[];
  model: Sequential;
  /** The loss trained with, and the training targets encoded for it (one column per output). */
  lossName: string;
  trainTargets: Tensor;
  data: TaskData;
  inputs: number;
  outputs: number;
}

export interface ExampleHooks {
  onEpoch?: (point: EpochPoint) => void;
  onWarning?: (message: string) => void;
}

/**
 * Trains one task with the given settings and returns its result. Data, initialisation and
 * data order all follow `options.seed`, so a run is reproducible to the bit.
 */
export function runExample(options: ExampleOptions, hooks: ExampleHooks = {}): ExampleRun {
  const task = TASKS[options.task];
  const data = task.load(options.seed);
  const out = trainTask(task, data, options, { onEpoch: hooks.onEpoch, onWarning: hooks.onWarning });
  const metricKey = task.metric === 'accuracy' ? 'testAccuracy' : 'testR2';
  const result: ExampleResult = {
    task: task.name,
    hidden: options.hidden,
    output: options.output,
    epochs: out.history.length,
    seed: options.seed,
    trainLoss: out.trainLoss,
    testLoss: out.testLoss,
    [metricKey]: out.testMetric,
    seconds: Math.round(out.seconds * 1000) / 1000,
  };
  return {
    options, result, trainMetric: out.trainMetric, history: out.history, warnings: out.warnings,
    model: out.model, data, lossName: out.plan.loss,
    trainTargets: out.plan.loss === 'crossEntropy' || out.plan.loss === 'nll' || out.plan.yTrain.ndim === 2 ? out.plan.yTrain : out.plan.yTrain.reshape([-1, 1]), inputs: data.inputs, outputs: data.outputs,
  };
}

/** One JSON line: non-finite numbers (a diverged run) become null rather than invalid JSON. */
export function jsonLine(run: ExampleRun): string {
  return JSON.stringify(run.result, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
