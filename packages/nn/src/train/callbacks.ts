import type { FloatArray } from '@actgrad/tensor';
import type { Optimizer } from '../optim/optimizer.js';
import type { Sequential } from '../sequential.js';
import type { LayerHealth } from './health.js';

/** One epoch of training, as `fit` records it. */
export interface EpochLog {
  /** 0-based epoch index. */
  epoch: number;
  /** Wall-clock seconds the epoch took (training and validation). */
  seconds: number;
  /** Learning rate used during the epoch. */
  lr: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Validation loss, when validation data is given. */
  valLoss?: number;
  /** Metrics on the epoch's training batches and on validation data (`accuracy`, `valAccuracy`, …). */
  metrics: Record<string, number>;
  /** Per-layer health, when `fit` was asked for it (`health: true`). */
  health?: LayerHealth[];
}

/** What a callback sees besides the epoch's log. */
export interface CallbackContext {
  readonly model: Sequential;
  readonly optimizer: Optimizer;
  /** Logs of the epochs so far, including the current one. */
  readonly history: readonly EpochLog[];
  /** Per-layer health after this epoch, measured on a probe batch on first call (then cached). */
  health(): LayerHealth[];
  /** Ends training after this epoch. */
  stop(reason?: string): void;
}

/** Hooks `fit` calls. Any may be omitted. */
export interface Callback {
  onTrainBegin?(ctx: CallbackContext): void;
  onEpochEnd?(log: EpochLog, ctx: CallbackContext): void;
  onTrainEnd?(ctx: CallbackContext): void;
}

/** A value from an epoch log by name: `loss`, `valLoss`, or a metric such as `valAccuracy`. */
export function logValue(log: EpochLog, name: string): number | undefined {
  if (name === 'loss') return log.loss;
  if (name === 'valLoss') return log.valLoss;
  return Object.hasOwn(log.metrics, name) ? log.metrics[name] : undefined;
}

/** Copies every parameter's values (for restoring the best weights later). */
export function snapshotWeights(model: Sequential): FloatArray[] {
  return model.parameters().map((p) => {
    const t = p.data.contiguous();
    return t.data.slice(t.offset, t.offset + t.size);
  });
}

/** Writes a {@link snapshotWeights} result back into the parameters. */
export function restoreWeights(model: Sequential, snap: FloatArray[]): void {
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
        throw new Error(`earlyStopping: no value '${monitor}' in the epoch log; available: loss${log.valLoss !== undefined ? ', valLoss' : ''}${Object.keys(log.metrics).map((k) => ', ' + k).join('')}`);
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
