import type { LayerHealth } from '@actgrad/nn';
import { picture, testPoints } from '../pictures.js';
import { TASKS, type TaskData, type TaskDef, type TrainSettings } from '../tasks.js';
import { checkSetup, PairingError, planLoss, trainTask, type TrainOutcome } from '../train.js';
import { firstEpochReaching } from './aggregate.js';
import type { DeepResult, EpochRecord, LabOptions, LabResult, RunPicture, RunRecord, SkippedPairing } from './types.js';

/** The hidden activations of `--deep`: the lecture's vanishing-gradient comparison. */
export const DEEP_HIDDEN = ['sigmoid', 'relu', 'selu'];

/** Width of the deep comparison's hidden layers: narrow, so depth dominates. */
export const DEEP_WIDTH = 16;

/** Same-start mode's one initializer: Glorot uniform, neutral between the families (no activation's own). */
export const SAME_START_INIT = 'glorotUniform';

export interface LabHooks {
  /** After each trained run: how many are done out of how many. */
  onRun?: (done: number, total: number, label: string) => void;
}

/** One independent training run of a sweep: configuration × seed, in the main comparison or the deep one. */
export interface LabJob {
  deep: boolean;
  config: string;
  activation: string;
  output: string;
  /** Seed index k: the run uses seed options.seed + k. */
  k: number;
}

/** What one job leaves: its record, its picture (first seed of the main comparison) and its training warnings. */
export interface JobResult {
  record: RunRecord;
  picture?: RunPicture;
  warnings: string[];
}

/** The sweep, before any training: the jobs in a fixed order, the setup advice, and the refused pairings. */
export interface LabPlan {
  jobs: LabJob[];
  warnings: string[];
  skipped: SkippedPairing[];
}

/** `relu` when one output is swept, `relu → sigmoid` when several are. */
export function configLabel(hidden: string, output: string, outputs: readonly string[]): string {
  return outputs.length > 1 ? `${hidden} → ${output}` : hidden;
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

/**
 * Lists every run of the sweep: hidden × output × seed, then the deep comparison. Each output is
 * checked once here: a pairing that cannot train is skipped with its reason (the others still
 * run), and the advice for the rest is collected once.
 */
export function planLab(options: LabOptions, data: TaskData = TASKS[options.task].load(options.seed)): LabPlan {
  const task = TASKS[options.task];
  const warnings: string[] = [];
  const skipped: SkippedPairing[] = [];
  const outputs: string[] = [];
  for (const output of options.outputs) {
    try {
      for (const w of checkSetup(task, { hidden: options.hidden, output }, data, planLoss(task, output, data), { hiddenAdvice: false })) {
        if (!warnings.includes(w)) warnings.push(w);
      }
      outputs.push(output);
    } catch (err) {
      if (!(err instanceof PairingError)) throw err;
      for (const hidden of options.hidden) skipped.push({ hidden, output, reason: err.message });
    }
  }
  if (outputs.length === 0) {
    throw new PairingError(skipped.length ? skipped[0]!.reason : `${task.name}: no output activation to train with`);
  }
  const jobs: LabJob[] = [];
  for (const activation of options.hidden) {
    for (const output of outputs) {
      const config = configLabel(activation, output, outputs);
      for (let k = 0; k < options.seeds; k++) jobs.push({ deep: false, config, activation, output, k });
    }
  }
  if (options.deep > 0) {
    for (const activation of options.deepHidden) {
      for (let k = 0; k < options.seeds; k++) jobs.push({ deep: true, config: activation, activation, output: outputs[0]!, k });
    }
  }
  return { jobs, warnings, skipped };
}

/** Trains one job. Pure in its inputs: the same job gives the same record in any thread. */
export function runJob(options: LabOptions, job: LabJob, data: TaskData, task: TaskDef = TASKS[options.task]): JobResult {
  const depth = job.deep ? options.deep : options.settings.sizes.length;
  const settings: TrainSettings = {
    ...options.settings,
    sizes: job.deep ? new Array<number>(depth).fill(DEEP_WIDTH) : options.settings.sizes,
    hidden: new Array<string>(depth).fill(job.activation),
    output: job.output,
    seed: options.seed + job.k,
    ...(options.sameStart ? { init: SAME_START_INIT } : {}),
  };
  const label = job.deep ? `deep ${job.config}` : job.config;
  const warnings: string[] = [];
  // The setup's advice is in the plan; what training adds (a loss gone NaN) is per run.
  const onWarning = (m: string) => void warnings.push(`${label}, seed ${settings.seed}: ${m}`);
  const out = trainTask(task, data, settings, { health: true, hiddenAdvice: false, onWarning });
  const history = out.history.map((e) => toEpochRecord(e, depth));
  const record: RunRecord = {
    config: job.config,
    activation: job.activation,
    hidden: settings.hidden,
    output: settings.output,
    seed: settings.seed,
    history,
    initialGradNorms: (out.initialHealth ?? []).map((h) => h.gradNorm),
    trainLoss: out.trainLoss,
    testLoss: out.testLoss,
    metric: out.testMetric,
    epochsToThreshold: firstEpochReaching(history, options.threshold),
    seconds: out.seconds,
    initChecksum: out.initChecksum,
  };
  const pic = !job.deep && job.k === 0 ? picture(task, data, job.config, out.model, job.output, job.activation) : undefined;
  return { record, picture: pic, warnings };
}

/** Puts the job results (in plan order) together into the lab's result. */
export function assembleLab(options: LabOptions, plan: LabPlan, results: readonly JobResult[], data: TaskData): LabResult {
  const task = TASKS[options.task];
  const runs: RunRecord[] = [];
  const deepRuns: RunRecord[] = [];
  const pictures: RunPicture[] = [];
  const warnings = [...plan.warnings];
  plan.jobs.forEach((job, i) => {
    const r = results[i]!;
    (job.deep ? deepRuns : runs).push(r.record);
    if (r.picture) pictures.push(r.picture);
    for (const w of r.warnings) if (!warnings.includes(w)) warnings.push(w);
  });
  const deep: DeepResult | undefined = options.deep > 0 ? { depth: options.deep, width: DEEP_WIDTH, runs: deepRuns } : undefined;
  return { options, metric: task.metric, runs, pictures, deep, warnings, skipped: plan.skipped, testPoints: testPoints(task, data) };
}

/**
 * Trains every hidden × output activation × seed on one task, one run after another: the same
 * data (from `options.seed`) for all, and for seed k the same initialisation seed and data order
 * in every configuration. `runLabParallel` runs the same jobs across worker threads.
 */
export function runLab(options: LabOptions, hooks: LabHooks = {}): LabResult {
  const data = TASKS[options.task].load(options.seed);
  const plan = planLab(options, data);
  const results: JobResult[] = [];
  for (const job of plan.jobs) {
    results.push(runJob(options, job, data));
    hooks.onRun?.(results.length, plan.jobs.length, `${job.deep ? 'deep ' : ''}${job.config} seed ${options.seed + job.k}`);
  }
  return assembleLab(options, plan, results, data);
}
