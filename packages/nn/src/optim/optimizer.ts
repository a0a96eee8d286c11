import type { Variable } from '@actgrad/autograd';
import { getBackend, type FloatArray } from '@actgrad/tensor';
import type { Schedule } from './schedules.js';

/** A fixed learning rate or a per-epoch {@link Schedule}. */
export type LearningRate = number | Schedule;

/** Anything that owns parameters (a `Module`), or the parameters themselves. */
export type ParamSource = readonly Variable[] | { parameters(): Variable[] };

/**
 * Base of the optimizers. Updates run in place on each parameter's storage, outside the
 * autograd graph, as plain loops over the parameter's and gradient's typed arrays. Per-parameter
 * state (momentum, moments) is allocated once, in the constructor, with the parameter's dtype.
 */
export abstract class Optimizer {
  /** The parameters this optimizer updates. */
  readonly params: readonly Variable[];
  /** Current learning rate (follows the schedule after {@link setEpoch}). */
  lr: number;
  /** Number of `step()` calls so far (Adam's bias correction uses it). */
  stepCount = 0;
  private readonly schedule: Schedule | undefined;

  protected constructor(name: string, source: ParamSource, lr: LearningRate) {
    this.params = Array.isArray(source) ? [...source] : (source as { parameters(): Variable[] }).parameters();
    if (this.params.length === 0) throw new Error(`${name}: no parameters to optimize`);
    this.schedule = typeof lr === 'function' ? lr : undefined;
    this.lr = typeof lr === 'function' ? lr(0) : lr;
    if (!(this.lr >= 0) || !Number.isFinite(this.lr)) throw new Error(`${name}: lr must be a finite number ≥ 0; got ${this.lr}`);
  }

  /** Applies the schedule (if any) for a 0-based epoch. */
  setEpoch(epoch: number): void {
    if (this.schedule) this.lr = this.schedule(epoch);
  }

  /** Allocates one state buffer per parameter, zero-filled, of the parameter's dtype and size. */
  protected allocState(): FloatArray[] {
    // From the active backend, so one with fused updates (wasm) can read the state in place.
    const backend = getBackend();
    return this.params.map((p) => backend.alloc(p.data.dtype, p.data.size));
  }

  /** Updates every parameter that has a gradient; parameters without one are skipped. */
  step(): void {
    this.stepCount++;
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i];
      let g = p.grad;
      if (!g) continue;
      if (!g.isContiguous()) g = g.contiguous();
      if (!p.data.isContiguous()) throw new Error(`${this.constructor.name}: parameter ${p.name ?? i} is not contiguous`);
      this.update(i, p.data.data, p.data.offset, g.data, g.offset, p.data.size);
    }
  }

  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** Updates parameter `i`: `w[wo + j]` with gradient `g[go + j]` for j < n. */
  protected abstract update(i: number, w: FloatArray, wo: number, g: FloatArray, go: number, n: number): void;
}
