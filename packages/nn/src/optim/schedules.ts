/**
 * A learning-rate schedule: the rate for a 0-based epoch. Optimizers take one in place of a
 * number; `fit` calls `optimizer.setEpoch(epoch)` before each epoch (call it yourself when
 * looping with `trainStep`).
 */
export type Schedule = (epoch: number) => number;

function positive(name: string, key: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${name}: ${key} must be a finite number > 0; got ${v}`);
}

/** Multiplies the rate by `gamma` (default 0.1) every `stepSize` epochs: lr·gamma^⌊epoch/stepSize⌋. */
export function stepDecay(opts: { lr: number; stepSize: number; gamma?: number }): Schedule {
  const { lr, stepSize, gamma = 0.1 } = opts;
  positive('stepDecay', 'lr', lr);
  if (!Number.isInteger(stepSize) || stepSize < 1) throw new Error(`stepDecay: stepSize must be an integer ≥ 1; got ${stepSize}`);
  positive('stepDecay', 'gamma', gamma);
  return (epoch) => lr * gamma ** Math.floor(epoch / stepSize);
}

/** Multiplies the rate by `gamma` every epoch: lr·gamma^epoch. */
export function exponentialDecay(opts: { lr: number; gamma: number }): Schedule {
  const { lr, gamma } = opts;
  positive('exponentialDecay', 'lr', lr);
  positive('exponentialDecay', 'gamma', gamma);
  return (epoch) => lr * gamma ** epoch;
}

/**
 * Cosine annealing (Loshchilov & Hutter, SGDR) from `lr` down to `minLr` (default 0) over
 * `epochs` epochs, then held at `minLr`: minLr + (lr − minLr)·(1 + cos(π·t/epochs))/2.
 */
export function cosineDecay(opts: { lr: number; epochs: number; minLr?: number }): Schedule {
  const { lr, epochs, minLr = 0 } = opts;
  positive('cosineDecay', 'lr', lr);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`cosineDecay: epochs must be an integer ≥ 1; got ${epochs}`);
  if (!(minLr >= 0 && minLr <= lr)) throw new Error(`cosineDecay: minLr must be in [0, lr]; got ${minLr}`);
  return (epoch) => minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / epochs))) / 2;
}
