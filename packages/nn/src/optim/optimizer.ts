import type { Variable } from '@actgrad/autograd';
import { getBackend, type FloatArray } from '@actgrad/tensor';
import type { Schedule } from './schedules.js';

/**
 * An optimizer's state, exported per parameter whatever the internal layout: what a checkpoint
 * needs to continue training exactly where it stopped.
 */
export interface OptimizerState {
  /** Class name (`SGD`, `Adam`, `AdamW`, `RMSProp`). */
  type: string;
  /** `step()` calls so far (Adam's bias correction). */
  stepCount: number;
  /** The learning rate last in use (a schedule sets it again from the epoch). */
  lr: number;
  /** Hyper-parameters the buffers depend on; loading into a differently configured optimizer is refused. */
  hyper: Record<string, number | boolean>;
  /**
   * Buffers by name (`velocity`; `m`, `v`; `square`, `momentum`), each one array per parameter in
   * `params` order, of the parameter's dtype and size.
   */
  buffers: Record<string, FloatArray[]>;
}

/** `v` when lo ≤ v ≤ hi (or < hi with `hiOpen`), else a clear error naming the optimizer and option. */
export function check(name: string, key: string, v: number, lo: number, hi: number, hiOpen = false): number {
  const ok = v >= lo && (hiOpen ? v < hi : v <= hi);
  if (!ok) throw new Error(`${name}: ${key} must be in [${lo}, ${hi}${hiOpen ? ')' : ']'}; got ${v}`);
  return v;
}

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
  /** `SGD`, `Adam`, `AdamW` or `RMSProp` (kept explicitly: a bundler may rename classes). */
  readonly optimizerName: string;

  protected constructor(name: string, source: ParamSource, lr: LearningRate) {
    this.optimizerName = name;
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
      if (!p.data.isContiguous()) throw new Error(`${this.optimizerName}: parameter ${p.name ?? i} is not contiguous`);
      this.update(i, p.data.data, p.data.offset, g.data, g.offset, p.data.size);
    }
  }

  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** Updates parameter `i`: `w[wo + j]` with gradient `g[go + j]` for j < n. */
  protected abstract update(i: number, w: FloatArray, wo: number, g: FloatArray, go: number, n: number): void;

  /** Hyper-parameters that must match for a saved state to load (see {@link OptimizerState}). */
  protected abstract hyperParams(): Record<string, number | boolean>;

  /** The live per-parameter state buffers by name (absent ones, e.g. SGD without momentum, left out). */
  protected abstract stateBuffers(): Record<string, FloatArray[]>;

  /** A copy of the optimizer's state: step count, learning rate, hyper-parameters and buffers. */
  stateDict(): OptimizerState {
    const buffers: Record<string, FloatArray[]> = {};
    for (const [name, list] of Object.entries(this.stateBuffers())) buffers[name] = list.map((b) => b.slice());
    return { type: this.optimizerName, stepCount: this.stepCount, lr: this.lr, hyper: this.hyperParams(), buffers };
  }

  /**
   * Problems that stop `state` from loading into this optimizer (type, hyper-parameters, buffer
   * names, counts, sizes and dtypes), checked from the headers alone; empty when it fits.
   */
  stateProblems(state: { type: unknown; stepCount: unknown; lr: unknown; hyper: unknown; buffers: Record<string, readonly { length: number; dtype: string }[]> }): string[] {
    const type = this.optimizerName;
    if (state.type !== type) return [`it is ${String(state.type)} state but the optimizer is ${type}`];
    const out: string[] = [];
    if (!Number.isInteger(state.stepCount) || (state.stepCount as number) < 0) out.push(`stepCount ${String(state.stepCount)} is not an integer ≥ 0`);
    if (typeof state.lr !== 'number' || !Number.isFinite(state.lr) || state.lr < 0) out.push(`lr ${String(state.lr)} is not a finite number ≥ 0`);
    const hyper = (state.hyper ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(this.hyperParams())) {
      if (hyper[k] !== v) out.push(`${k} was ${String(hyper[k])} but this ${type} has ${String(v)}`);
    }
    const own = this.stateBuffers();
    const saved = state.buffers ?? {};
    for (const name of Object.keys(own)) if (!Object.hasOwn(saved, name)) out.push(`buffer '${name}' is missing`);
    for (const [name, list] of Object.entries(saved)) {
      if (!Object.hasOwn(own, name)) {
        out.push(`buffer '${name}' does not belong to this ${type}`);
        continue;
      }
      if (!Array.isArray(list) || list.length !== this.params.length) {
        out.push(`buffer '${name}' holds ${Array.isArray(list) ? list.length : 0} arrays for ${this.params.length} parameters`);
        continue;
      }
      list.forEach((b, i) => {
        const p = this.params[i].data;
        if (b.length !== p.size || b.dtype !== p.dtype) out.push(`buffer '${name}' of parameter ${i} is ${b.dtype} × ${b.length}; the parameter is ${p.dtype} × ${p.size}`);
      });
    }
    return out;
  }

  /** Names of state buffers that can never be negative (running means of squared gradients). */
  protected nonNegativeBuffers(): readonly string[] {
    return [];
  }

  /**
   * Problems in the values of `buffers` (already fitting {@link stateProblems}): a negative
   * second moment, which no run produces and which would turn the next step's √ into NaN.
   */
  stateValueProblems(buffers: Record<string, readonly FloatArray[]>): string[] {
    const out: string[] = [];
    for (const name of this.nonNegativeBuffers()) {
      (buffers[name] ?? []).forEach((b, i) => {
        const at = b.findIndex((v) => v < 0);
        if (at >= 0) out.push(`buffer '${name}' of parameter ${i} holds ${b[at]} at index ${at}; it is a running mean of squares and never negative`);
      });
    }
    return out;
  }

  /** Restores a {@link stateDict} result (validated as a whole first; nothing changes on error). */
  loadStateDict(state: OptimizerState): void {
    const headers: Record<string, { length: number; dtype: string }[]> = {};
    for (const [name, list] of Object.entries(state?.buffers ?? {})) {
      headers[name] = Array.isArray(list) ? list.map((b) => ({ length: b.length, dtype: b instanceof Float64Array ? 'float64' : 'float32' })) : (list as never);
    }
    const problems = state && typeof state === 'object' ? this.stateProblems({ ...state, buffers: headers }) : ['it is not an optimizer state'];
    if (problems.length === 0) problems.push(...this.stateValueProblems(state.buffers));
    if (problems.length > 0) throw new Error(`${this.optimizerName}.loadStateDict: ${problems.join('; ')}`);
    const own = this.stateBuffers();
    for (const [name, list] of Object.entries(state.buffers)) list.forEach((b, i) => own[name][i].set(b));
    this.stepCount = state.stepCount;
    this.lr = state.lr;
  }
}
