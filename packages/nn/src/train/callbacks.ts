import type { FloatArray } from '@actgrad/tensor';
import type { Module } from '../module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Checkpoint } from './checkpoint.js';
import type { EpochLog } from './epoch-log.js';
import type { LayerHealth } from './health.js';

export type { EpochLog } from './epoch-log.js';

/** What a callback sees besides the epoch's log. */
export interface CallbackContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** Logs of the epochs so far, including the current one. */
  readonly history: readonly EpochLog[];
  /** Per-layer health after this epoch, measured on a probe batch on first call (then cached; Sequential models). */
  health(): LayerHealth[];
  /** The run's state after this epoch, to resume from later (`fit(…, { resume })`). */
  checkpoint(): Checkpoint;
  /** Ends training after this epoch. */
  stop(reason?: string): void;
}

/** Hooks `fit` calls. Any may be omitted. */
export interface Callback {
  /** Before the first epoch (reset per-run state here: a callback may serve several `fit` calls). */
  onTrainBegin?(ctx: CallbackContext): void;
  /** After each epoch, with its log (validation included); `ctx.stop()` ends training here. */
  onEpochEnd?(log: EpochLog, ctx: CallbackContext): void;
  /** After the last epoch, however training ended. */
  onTrainEnd?(ctx: CallbackContext): void;
}

/**
 * A value from an epoch log by name: `loss`, `valLoss`, `lr`, `seconds`, `epoch`, or a metric
 * such as `valAccuracy`.
 */
export function logValue(log: EpochLog, name: string): number | undefined {
  if (name === 'loss' || name === 'lr' || name === 'seconds' || name === 'epoch') return log[name];
  if (name === 'valLoss') return log.valLoss;
  return Object.hasOwn(log.metrics, name) ? log.metrics[name] : undefined;
}

/** The names {@link logValue} finds in a log, for messages. */
export function logNames(log: EpochLog | undefined): string[] {
  const names = ['loss', 'lr', 'seconds', 'epoch'];
  if (log?.valLoss !== undefined) names.splice(1, 0, 'valLoss');
  return log ? [...names, ...Object.keys(log.metrics)] : names;
}

/** Copies every parameter's values (for restoring the best weights later). */
export function snapshotWeights(model: Module): FloatArray[] {
  return model.parameters().map((p) => {
    const t = p.data.contiguous();
    return t.data.slice(t.offset, t.offset + t.size);
  });
}

/** Writes a {@link snapshotWeights} result back into the parameters. */
export function restoreWeights(model: Module, snap: FloatArray[]): void {
  model.parameters().forEach((p, i) => p.data.data.set(snap[i], p.data.offset));
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** Log value to watch (default `valLoss`, or `loss` when there is no validation data). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** `min` or `max`; `auto` (default) maximises accuracy and R², minimises the rest. */
  mode?: 'min' | 'max' | 'auto';
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBestWeights?: boolean;
}

/** An early-stopping callback; after `fit`, `bestEpoch` and `stoppedEpoch` say what happened. */
export interface EarlyStopping extends Callback {
  readonly bestEpoch: number;
  readonly best: number;
  readonly stoppedEpoch: number | null;
}

/**
 * Stops training when the monitored value has not improved for `patience` epochs and (by
 * default) restores the weights of the best epoch.
 */
export function earlyStopping(opts: EarlyStoppingOptions = {}): EarlyStopping {
  const patience = opts.patience ?? 5;
  const minDelta = Math.abs(opts.minDelta ?? 0);
  const restore = opts.restoreBestWeights ?? true;
  let monitor = opts.monitor;
  let sign = 1;
  let best = Infinity;
  let wait = 0;
  let snap: FloatArray[] | null = null;
  const state = { bestEpoch: -1, best: NaN, stoppedEpoch: null as number | null };
  return Object.assign(state, {
    onTrainBegin() {
      best = Infinity;
      wait = 0;
      snap = null;
      state.bestEpoch = -1;
      state.stoppedEpoch = null;
    },
    onEpochEnd(log: EpochLog, ctx: CallbackContext) {
      monitor ??= log.valLoss !== undefined ? 'valLoss' : 'loss';
      const v = logValue(log, monitor);
      if (v === undefined) {
        throw new Error(`earlyStopping: no value '${monitor}' in the epoch log; available: ${logNames(log).join(', ')}`);
      }
      const mode = opts.mode ?? 'auto';
      sign = mode === 'max' || (mode === 'auto' && /accuracy|r2/i.test(monitor)) ? -1 : 1;
      if (sign * v < best - minDelta) {
        best = sign * v;
        state.best = v;
        state.bestEpoch = log.epoch;
        wait = 0;
        if (restore) snap = snapshotWeights(ctx.model);
      } else if (++wait >= patience) {
        state.stoppedEpoch = log.epoch;
        ctx.stop(`early stopping: ${monitor} did not improve for ${patience} epochs (best ${state.best} at epoch ${state.bestEpoch})`);
      }
    },
    onTrainEnd(ctx: CallbackContext) {
      if (restore && snap) restoreWeights(ctx.model, snap);
    },
  });
}
