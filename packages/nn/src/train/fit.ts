import type { DataInput } from '../data/validate.js';
import type { LossSpec } from '../losses.js';
import { resolveMetric, type MetricDef, type MetricName } from '../metrics.js';
import type { Module } from '../module.js';
import { createOptimizer, type OptimizerName } from '../optim/optimizers.js';
import { Optimizer } from '../optim/optimizer.js';
import type { LearningRate } from '../optim/optimizer.js';
import { identityPermutation, makeStatefulRng, shuffleInPlace } from '../random.js';
import { Sequential } from '../sequential.js';
import { BatchGatherer, prepare, splitOff, type Prepared } from './batches.js';
import { logNames, logValue, type Callback, type CallbackContext, type EpochLog } from './callbacks.js';
import { makeCheckpoint, restoreCheckpoint, type Checkpoint } from './checkpoint.js';
import { copyOutputs, defaultMetrics, Evaluator, positiveInt } from './evaluate.js';
import { measureLayerHealth, type LayerHealth } from './health.js';
import { modelInfo } from './model-info.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { NonFiniteLossError, Trainer } from './trainer.js';

/** Options of {@link fit}. */
export interface FitOptions {
  /** Loss by name or value. With a sigmoid/softmax output and (binary) cross-entropy it is fused. */
  loss: LossSpec;
  /** An optimizer over the model's parameters, or a name (`sgd`, `adam`, `adamw`, `rmsprop`). */
  optimizer: Optimizer | OptimizerName | (string & {});
  /** Learning rate or schedule for a named optimizer (ignored with an instance). */
  lr?: LearningRate;
  /** Epochs to train in all (default 10); a resumed run continues up to this count. */
  epochs?: number;
  /** Rows per minibatch (default 32); the last batch of an epoch may be smaller. */
  batchSize?: number;
  /** Reshuffle the rows every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling and of a validation split (default 42). */
  seed?: string | number;
  /** Validation data, or the fraction of the training rows to hold out (seeded). */
  validation?: { x: DataInput; y: DataInput } | number;
  /** Metrics per epoch (default: accuracy for classification losses, R² for regression). */
  metrics?: (MetricName | MetricDef)[];
  callbacks?: Callback[];
  /** Record per-layer health (gradient norms, dead ReLUs, saturation) in every epoch's log (Sequential models). */
  health?: boolean;
  /** Rows of the probe batch for health statistics (default 256, spread over the data). */
  healthSamples?: number;
  /** No progress bar even on a terminal. */
  quiet?: boolean;
  /** Where pairing warnings and a NaN stop are reported (default `console.warn`). */
  onWarning?: (message: string) => void;
  /** Stream of the progress bar (default `process.stderr`; drawn only when it is a TTY). */
  progressStream?: ProgressStream;
  /**
   * Continue a run from a {@link Checkpoint} (`result.checkpoint()`, the `saveCheckpoints`
   * callback, `loadCheckpointFile`): its weights, optimizer state, epoch count, shuffling state
   * and history are restored, and training runs from its epoch up to `epochs`. Pass the same
   * data, seed, batch size and optimizer configuration to continue exactly (bit for bit).
   */
  resume?: Checkpoint;
}

/** What {@link fit} returns. */
export interface FitResult {
  history: EpochLog[];
  /** Why training ended: all epochs done, a callback stopped it, or the loss became NaN/Infinity. */
  stopReason: 'completed' | 'callback' | 'nan';
  stopMessage?: string;
  optimizer: Optimizer;
  /**
   * One logged value over the epochs: `loss`, `valLoss`, `lr`, `seconds`, `epoch` or a metric
   * (`accuracy`, `valAccuracy`, …). An unknown name throws, listing the known ones.
   */
  series(name: string): number[];
  /** The run's state at the end, to continue it later with `fit(…, { resume })`. */
  checkpoint(): Checkpoint;
}

/**
 * Trains `model` (any Module with a `forward`) on `data` with minibatch gradient descent and
 * returns the per-epoch history. Data is validated first (NaN, ragged rows, mismatched counts,
 * the activation/loss/target pairing), so bad input fails before any weight changes. Shuffling
 * is seeded; each step reuses its buffers (see {@link Trainer}).
 *
 * ```ts
 * const { history } = fit(model, moons({ n: 500 }), { loss: 'binaryCrossEntropy', optimizer: 'adam', epochs: 50 });
 * ```
 */
export function fit(model: Module, data: { x: DataInput; y: DataInput }, opts: FitOptions): FitResult {
  if (!opts || opts.loss === undefined) throw new Error("fit: options need a loss, e.g. { loss: 'mse', optimizer: 'adam' }");
  if (opts.optimizer === undefined) throw new Error("fit: options need an optimizer, e.g. optimizer: 'adam' or new SGD(model, { lr: 0.1 })");
  const info = modelInfo('fit', model, true);
  const epochs = positiveInt('fit', opts.epochs ?? 10, 'epochs');
  const batchSize = positiveInt('fit', opts.batchSize ?? 32);
  const warn = opts.onWarning ?? ((m: string) => console.warn(m));
  if (opts.health && !(model instanceof Sequential)) throw new Error(`fit: health statistics follow a Sequential's Linear layers; the model is a ${info.name}`);
  const optimizer = opts.optimizer instanceof Optimizer ? opts.optimizer : createOptimizer(String(opts.optimizer), model, opts.lr);
  const owned = new Set(optimizer.params);
  if (!model.parameters().some((p) => owned.has(p))) {
    throw new Error("fit: the optimizer holds none of this model's parameters; create it with the model, e.g. new SGD(model, { lr: 0.1 })");
  }
  const trainer = new Trainer(model, { loss: opts.loss, optimizer });
  const head = trainer.head;

  let { prepared: train, warnings } = prepare('fit', info, head.loss, data);
  let val: Prepared | null = null;
  if (typeof opts.validation === 'number') [train, val] = splitOff(train, opts.validation, opts.seed);
  else if (opts.validation) val = prepare('fit', info, head.loss, opts.validation, { x: 'validation x', y: 'validation y' }).prepared;
  for (const w of warnings) warn(`fit: ${w.message}`);

  const metricDefs = (opts.metrics ?? defaultMetrics(head.loss)).map(resolveMetric);
  const n = train.x.rows;
  const k = train.outFeatures;
  // Everything is checked before the checkpoint writes a weight.
  const restored = opts.resume === undefined ? null : restoreCheckpoint('fit', opts.resume, model, optimizer, n);
  const gatherer = new BatchGatherer(train, info.dtype);
  const order = restored?.order ?? identityPermutation(n);
  const rng = makeStatefulRng(opts.seed, restored?.rng);
  const evaluator = val ? new Evaluator(model, head, val, metricDefs, 1024, 'val') : null;
  const fusedWith = head.fused ? head.loss.fusesWith ?? null : null;
  // Outputs and targets of the epoch's batches, in visiting order, for the training metrics.
  const epochPred = metricDefs.length > 0 ? new Float32Array(n * k) : null;
  const epochY = metricDefs.length > 0 ? new Float32Array(n * train.y.cols) : null;
  let sinkRow = 0;
  if (epochPred) trainer.outputSink = (out) => copyOutputs(out, fusedWith, epochPred, sinkRow);

  const probeRows = Math.min(n, positiveInt('fit', opts.healthSamples ?? 256, 'healthSamples'));
  const probeOrder = new Int32Array(probeRows);
  for (let i = 0; i < probeRows; i++) probeOrder[i] = Math.floor((i * n) / probeRows);
  let probe: BatchGatherer | null = null;
  const measureHealth = (): LayerHealth[] => {
    if (!(model instanceof Sequential)) throw new Error(`health: statistics follow a Sequential's Linear layers; the model is a ${info.name}`);
    probe ??= new BatchGatherer(train, info.dtype);
    const b = probe.gather(probeOrder, 0, probeRows);
    const y = head.loss.targetKind === 'dense' && b.y.ndim === 1 ? b.y.reshape([probeRows, 1]) : b.y;
    return measureLayerHealth(model, head, b.x, y);
  };

  const batches = Math.ceil(n / batchSize);
  const progress = new ProgressBar(opts.quiet ? null : (opts.progressStream ?? defaultProgressStream()), epochs, batches);
  const history: EpochLog[] = restored?.history ?? [];
  let completed = restored?.epoch ?? 0;
  let stopReason: FitResult['stopReason'] = 'completed';
  let stopMessage: string | undefined;
  let healthCache: LayerHealth[] | null = null;
  const checkpoint = () => makeCheckpoint({ model, optimizer, epoch: completed, rng: rng.state(), order, history });
  const ctx: CallbackContext = {
    model,
    optimizer,
    history,
    health: () => (healthCache ??= measureHealth()),
    checkpoint,
    stop(reason) {
      stopReason = 'callback';
      stopMessage = reason;
    },
  };
  const stopOnNaN = (loss: number, epoch: number) => {
    stopReason = 'nan';
    stopMessage = `fit: the loss became ${loss} in epoch ${epoch}; training stopped (a smaller learning rate may help)`;
    warn(stopMessage);
  };
  const callbacks = opts.callbacks ?? [];
  model.train();
  for (const cb of callbacks) cb.onTrainBegin?.(ctx);

  for (let epoch = completed; epoch < epochs && stopReason === 'completed'; epoch++) {
    const t0 = performance.now();
    optimizer.setEpoch(epoch);
    if (opts.shuffle ?? true) shuffleInPlace(order, rng);
    let lossSum = 0;
    for (let b = 0, start = 0; start < n; b++, start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const batch = gatherer.gather(order, start, rows);
      sinkRow = start;
      if (epochY) {
        const yb = batch.yBuf;
        const base = start * train.y.cols;
        for (let i = 0, m = rows * train.y.cols; i < m; i++) epochY[base + i] = yb[i];
      }
      let l: number;
      try {
        l = trainer.step(batch.x, batch.y);
      } catch (err) {
        if (!(err instanceof NonFiniteLossError)) throw err;
        // The step refused the update, so the weights are those before this batch.
        lossSum = err.loss;
        break;
      }
      lossSum += l * rows;
      progress.tick(epoch, b, l);
    }
    if (!Number.isFinite(lossSum)) {
      stopOnNaN(lossSum, epoch);
      break;
    }
    const log: EpochLog = { epoch, seconds: 0, lr: optimizer.lr, loss: lossSum / n, metrics: {} };
    if (epochPred && epochY) for (const m of metricDefs) log.metrics[m.name] = m.compute(epochPred, k, epochY, train.y.cols);
    if (evaluator) {
      const { valLoss, ...rest } = evaluator.run();
      log.valLoss = valLoss;
      Object.assign(log.metrics, rest);
    }
    healthCache = null;
    if (opts.health) log.health = ctx.health();
    log.seconds = (performance.now() - t0) / 1000;
    history.push(log);
    completed = epoch + 1;
    const shown = [`loss ${log.loss.toFixed(4)}`, ...Object.entries(log.metrics).map(([m, v]) => `${m} ${v.toFixed(4)}`)];
    if (log.valLoss !== undefined) shown.splice(1, 0, `valLoss ${log.valLoss.toFixed(4)}`);
    progress.endEpoch(`epoch ${epoch + 1}/${epochs} ${shown.join('  ')}  ${log.seconds.toFixed(2)}s`);
    if (!Number.isFinite(log.loss)) {
      stopOnNaN(log.loss, epoch);
      break;
    }
    for (const cb of callbacks) cb.onEpochEnd?.(log, ctx);
  }
  for (const cb of callbacks) cb.onTrainEnd?.(ctx);
  return {
    history,
    stopReason,
    stopMessage,
    optimizer,
    series(name: string) {
      if (!logNames(history[0]).includes(name)) {
        throw new Error(`series: no value '${name}' in the history; known: ${logNames(history[0]).join(', ')}`);
      }
      return history.map((h) => logValue(h, name) ?? NaN);
    },
    checkpoint,
  };
}

// A browser has no process: the bar then stays off unless a stream is given.
function defaultProgressStream(): ProgressStream | null {
  return typeof process !== 'undefined' ? process.stderr : null;
}
