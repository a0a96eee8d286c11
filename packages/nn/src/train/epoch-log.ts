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
