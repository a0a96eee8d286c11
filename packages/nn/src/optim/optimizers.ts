import type { FloatArray } from '@actgrad/tensor';
import { Adam, AdamW } from './adam.js';
import { check, Optimizer, type LearningRate, type ParamSource } from './optimizer.js';

export { Adam, AdamBase, AdamW, type AdamOptions } from './adam.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate or schedule (default 0.01). */
  lr?: LearningRate;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0; default false). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient: g + λw (default 0). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent, with PyTorch's update rule: g ← ∇ + λw; v ← μv + g;
 * w ← w − lr·(g + μv) with Nesterov, w ← w − lr·v without (plain w − lr·g when μ = 0).
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly velocity: FloatArray[] | null;

  constructor(params: ParamSource, opts: SGDOptions = {}) {
    super('SGD', params, opts.lr ?? 0.01);
    this.momentum = check('SGD', 'momentum', opts.momentum ?? 0, 0, 1, true);
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = check('SGD', 'weightDecay', opts.weightDecay ?? 0, 0, Infinity);
    if (this.nesterov && this.momentum === 0) throw new Error('SGD: nesterov needs momentum > 0');
    this.velocity = this.momentum > 0 ? this.allocState() : null;
  }

  protected hyperParams(): Record<string, number | boolean> {
    return { momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }

  protected stateBuffers(): Record<string, FloatArray[]> {
    return this.velocity ? { velocity: this.velocity } : {};
  }

  protected update(i: number, w: FloatArray, wo: number, g: FloatArray, go: number, n: number): void {
    const { lr, momentum: mu, weightDecay: wd, nesterov } = this;
    const v = this.velocity?.[i];
    if (!v) {
      for (let j = 0; j < n; j++) w[wo + j] -= lr * (g[go + j] + wd * w[wo + j]);
      return;
    }
    for (let j = 0; j < n; j++) {
      const grad = g[go + j] + wd * w[wo + j];
      const vel = mu * v[j] + grad;
      v[j] = vel;
      w[wo + j] -= lr * (nesterov ? grad + mu * vel : vel);
    }
  }
}

/** Options of {@link RMSProp}. */
export interface RMSPropOptions {
  /** Learning rate or schedule (default 0.01). */
  lr?: LearningRate;
  /** Decay of the running mean of squared gradients (default 0.99). */
  alpha?: number;
  /** Added to √s in the denominator (default 1e-8). */
  eps?: number;
  /** Momentum on the scaled step (default 0). */
  momentum?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * RMSProp (Hinton's lecture 6e), PyTorch's form: s ← αs + (1−α)g²; step = g/(√s + ε);
 * with momentum b ← μb + step, w ← w − lr·b; without, w ← w − lr·step.
 */
export class RMSProp extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly sq: FloatArray[];
  private readonly buf: FloatArray[] | null;

  constructor(params: ParamSource, opts: RMSPropOptions = {}) {
    super('RMSProp', params, opts.lr ?? 0.01);
    this.alpha = check('RMSProp', 'alpha', opts.alpha ?? 0.99, 0, 1, true);
    this.eps = check('RMSProp', 'eps', opts.eps ?? 1e-8, 0, Infinity);
    this.momentum = check('RMSProp', 'momentum', opts.momentum ?? 0, 0, 1, true);
    this.weightDecay = check('RMSProp', 'weightDecay', opts.weightDecay ?? 0, 0, Infinity);
    this.sq = this.allocState();
    this.buf = this.momentum > 0 ? this.allocState() : null;
  }

  protected hyperParams(): Record<string, number | boolean> {
    return { alpha: this.alpha, eps: this.eps, momentum: this.momentum, weightDecay: this.weightDecay };
  }

  protected stateBuffers(): Record<string, FloatArray[]> {
    return this.buf ? { square: this.sq, momentum: this.buf } : { square: this.sq };
  }

  protected override nonNegativeBuffers(): readonly string[] {
    return ['square'];
  }

  protected update(i: number, w: FloatArray, wo: number, g: FloatArray, go: number, n: number): void {
    const { lr, alpha, eps, momentum: mu, weightDecay: wd } = this;
    const s = this.sq[i];
    const b = this.buf?.[i];
    for (let j = 0; j < n; j++) {
      const grad = g[go + j] + wd * w[wo + j];
      const sj = alpha * s[j] + (1 - alpha) * grad * grad;
      s[j] = sj;
      let stepj = grad / (Math.sqrt(sj) + eps);
      if (b) {
        stepj = mu * b[j] + stepj;
        b[j] = stepj;
      }
      w[wo + j] -= lr * stepj;
    }
  }
}

/** Optimizer names `fit` accepts in place of an instance (default hyper-parameters). */
export const optimizerNames = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
/** One of {@link optimizerNames}: `'sgd' | 'adam' | 'adamw' | 'rmsprop'`. */
export type OptimizerName = (typeof optimizerNames)[number];

/** Builds an optimizer by name over `params`; unknown names list the valid ones. */
export function createOptimizer(name: OptimizerName | (string & {}), params: ParamSource, lr?: LearningRate): Optimizer {
  if (typeof name !== 'string') throw new Error(`optimizer must be a name (${optimizerNames.join(', ')}) or an Optimizer`);
  const opts = lr === undefined ? {} : { lr };
  switch (name.toLowerCase()) {
    case 'sgd': return new SGD(params, opts);
    case 'adam': return new Adam(params, opts);
    case 'adamw': return new AdamW(params, opts);
    case 'rmsprop': return new RMSProp(params, opts);
    default: throw new Error(`unknown optimizer '${name}'; valid optimizers: ${optimizerNames.join(', ')}`);
  }
}
