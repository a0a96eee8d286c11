import type { LayerHealth, Sequential } from '@actgrad/nn';
import { picture, testPoints } from '../pictures.js';
import { TASKS, type TaskData, type TaskDef, type TrainSettings } from '../tasks.js';
import { checkSetup, planLoss, trainTask, type TrainOutcome } from '../train.js';
import { firstEpochReaching } from './aggregate.js';
import type { DeepResult, EpochRecord, LabOptions, LabResult, RunPicture, RunRecord } from './types.js';

/** The hidden activations of `--deep`: the lecture's vanishing-gradient comparison. */
export const DEEP_HIDDEN = ['sigmoid', 'relu', 'selu'];

/** Width of the deep comparison's hidden layers: narrow, so depth dominates. */
export const DEEP_WIDTH = 16;

export interface LabHooks {
  /** After each trained run: how many are done out of how many. */
  onRun?: (done: number, total: number, label: string) => void;
}

function toEpochRecord(e: TrainOutcome['history'][number], hiddenLayers: number): EpochRecord {
  const health: LayerHealth[] = e.health ?? [];
  const hidden = health.slice(0, hiddenLayers);
  return {
    epoch: e.epoch,
    trainLoss: e.trainLoss,
    testLoss: e.testLoss,
    metric: e.metric,
    gradNorms: health.map((h) => h.gradNorm),
    dead: hidden.map((h) => h.deadFraction ?? NaN),
    saturated: hidden.map((h) => h.saturatedFraction ?? NaN),
  };
}

function runOne(
  task: TaskDef, data: TaskData, config: string, settings: TrainSettings, threshold: number, warnings: string[], label = config,
): { record: RunRecord; model: Sequential } {
  // The setup's advice is already in `warnings`; what training adds (a loss gone NaN) is per run.
  const onWarning = (m: string) => {
    if (!warnings.includes(m)) warnings.push(`${label}, seed ${settings.seed}: ${m}`);
  };
  const out = trainTask(task, data, settings, { health: true, hiddenAdvice: false, onWarning });
  const history = out.history.map((e) => toEpochRecord(e, settings.sizes.length));
  return {
    model: out.model,
    record: {
      config,
      hidden: settings.hidden,
      output: settings.output,
      seed: settings.seed,
      history,
      initialGradNorms: (out.initialHealth ?? []).map((h) => h.gradNorm),
      trainLoss: out.trainLoss,
      testLoss: out.testLoss,
      metric: out.testMetric,
      epochsToThreshold: firstEpochReaching(history, threshold),
      seconds: out.seconds,
    },
  };
}

/**
 * Trains every hidden activation × seed on one task: the same data (from `options.seed`) for all,
 * and for seed k the same initialisation seed and data order in every configuration; the
 * initialiser itself follows the activation (He for the ReLU family, Glorot for sigmoid and tanh,
 * LeCun for SELU), as `mlp` chooses by default.
 */
export function runLab(options: LabOptions, hooks: LabHooks = {}): LabResult {
  const task = TASKS[options.task];
  const data = task.load(options.seed);
  const depth = options.settings.sizes.length;
  const deepRuns = options.deep > 0 ? options.deepHidden.length * options.seeds : 0;
  const total = options.hidden.length * options.seeds + deepRuns;
  let done = 0;

  // Refuse an unworkable output before any training, and collect the advice once.
  const warnings = checkSetup(task, { hidden: options.hidden, output: options.output }, data, planLoss(task, options.output, data), { hiddenAdvice: false });

  const runs: RunRecord[] = [];
  const pictures: RunPicture[] = [];
  for (const hidden of options.hidden) {
    for (let k = 0; k < options.seeds; k++) {
      const settings: TrainSettings = { ...options.settings, hidden: new Array<string>(depth).fill(hidden), output: options.output, seed: options.seed + k };
      const { record, model } = runOne(task, data, hidden, settings, options.threshold, warnings);
      runs.push(record);
      if (k === 0) pictures.push(picture(task, data, hidden, model, options.output));
      hooks.onRun?.(++done, total, `${hidden} seed ${settings.seed}`);
    }
  }

  let deep: DeepResult | undefined;
  if (options.deep > 0) {
    const deepRunsList: RunRecord[] = [];
    for (const hidden of options.deepHidden) {
      for (let k = 0; k < options.seeds; k++) {
        const settings: TrainSettings = {
          ...options.settings,
          sizes: new Array<number>(options.deep).fill(DEEP_WIDTH),
          hidden: new Array<string>(options.deep).fill(hidden),
          output: options.output,
          seed: options.seed + k,
        };
        deepRunsList.push(runOne(task, data, hidden, settings, options.threshold, warnings, `deep ${hidden}`).record);
        hooks.onRun?.(++done, total, `deep ${hidden} seed ${settings.seed}`);
      }
    }
    deep = { depth: options.deep, width: DEEP_WIDTH, runs: deepRunsList };
  }
  return { options, metric: task.metric, runs, pictures, deep, warnings, testPoints: testPoints(task, data) };
}
