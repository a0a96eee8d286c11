import { keep, ones, Tensor, tensor, type DType, type NestedArray } from '@actgrad/tensor';
import { runBackward, type GraphNode } from './engine.js';
import type { OpDef, Saved } from './op-def.js';
// Types only, erased at runtime: the methods methods.ts installs, merged into the class below so
// they are typed (in the bundled .d.ts too, where a `declare module` augmentation would be lost).
import type { ActivationMethods } from './activations/builtins.js'; // cycle-ok: declaration merging
import type { OpMethods } from './methods.js'; // cycle-ok: declaration merging

/** Options of {@link Variable.backward}. */
export interface BackwardOptions {
  /** Keep the graph after this pass so backward can run through it again. Default false. */
  readonly retainGraph?: boolean;
}

export interface Variable extends OpMethods, ActivationMethods {}

/**
 * A differentiable value: a tensor, whether it requires a gradient, and after `backward()` its
 * gradient in `grad` (leaves, and nodes that called `retainGrad()`). Ops on Variables record the
 * graph `backward()` walks; every op and activation is also a method: `x.matmul(w).add(b).relu()`.
 * This file is the core, which imports no op; methods.ts installs the op and activation methods.
 *
 * @example
 * ```ts
 * const x = new Variable(tensor([1, -2, 3]), { requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad?.toArray();  // [2, -4, 6]
 * ```
 */
export class Variable implements GraphNode {
  data: Tensor;
  /** @internal The gradient's storage; while `gradZeroed`, its contents are stale and read as zero. */
  gradStore: Tensor | null = null;
  /** @internal Set by {@link zeroGrad}: the next backward overwrites the storage instead of adding to it. */
  gradZeroed = false;
  readonly requiresGrad: boolean;
  name?: string;
  /** @internal */ op: OpDef<unknown> | null = null;
  /** @internal */ inputs: readonly Variable[] | null = null;
  /** @internal */ saved: Saved | null = null;
  /** @internal */ attrs: unknown = null;
  /** @internal */ released = false;
  /** @internal */ retainsGrad = false;
  /** @internal */ mark = 0;
  /** @internal */ pending: Tensor | null = null;
  /** @internal */ pendingOwned = false;

  /** Prefer {@link variable} and {@link parameter}; this wraps `data` as is, without validation. */
  constructor(data: Tensor, requiresGrad = false, name?: string) {
    this.data = data;
    this.requiresGrad = requiresGrad;
    if (name !== undefined) this.name = name;
  }

  /** The value's shape (that of `data`). */
  get shape(): number[] { return this.data.shape; }
  /** The value's element type (that of `data`). */
  get dtype(): DType { return this.data.dtype; }
  /** Number of elements. */
  get size(): number { return this.data.size; }
  /** Number of dimensions. */
  get ndim(): number { return this.data.ndim; }
  /** True for values created directly (inputs, parameters) rather than computed by an op. */
  get isLeaf(): boolean { return this.op === null; }

  /**
   * Reverse-mode differentiation from this value. A single-element value seeds with 1; any
   * other needs `grad`, the upstream gradient ∂L/∂this in this value's shape. The graph is
   * freed afterwards unless `retainGraph`.
   */
  backward(grad?: Tensor, opts?: BackwardOptions): void {
    if (!this.requiresGrad) {
      throw new Error(
        'backward: this value does not require a gradient (no input needs one, or it was computed inside noGrad)',
      );
    }
    let seed: Tensor;
    if (grad === undefined) {
      if (this.data.size !== 1) {
        throw new Error(
          `backward: the value has shape [${this.shape.join(',')}]; pass an upstream gradient of that shape for a non-scalar output`,
        );
      }
      seed = ones(this.shape, this.dtype);
    } else {
      if (!(grad instanceof Tensor)) throw new TypeError('backward: grad must be a Tensor');
      if (grad.shape.length !== this.shape.length || grad.shape.some((d, i) => d !== this.shape[i])) {
        throw new Error(
          `backward: gradient of shape [${grad.shape.join(',')}] for a value of shape [${this.shape.join(',')}]`,
        );
      }
      if (grad.dtype !== this.dtype) throw new Error(`backward: gradient dtype ${grad.dtype} for a ${this.dtype} value`);
      seed = grad;
    }
    runBackward(this, seed, opts?.retainGraph === true);
  }

  /** Also keep this non-leaf value's gradient in `grad` during backward. Returns this. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** The same data, cut from the graph: never requires a gradient. */
  detach(): Variable {
    return new Variable(this.data, false, this.name);
  }

  /** ∂L/∂this after backward(), accumulated (+=) across calls until {@link zeroGrad}. */
  get grad(): Tensor | null {
    const g = this.gradStore;
    if (this.gradZeroed && g !== null) {
      g.data.fill(0, g.offset, g.offset + g.size);
      this.gradZeroed = false;
    }
    return g;
  }

  set grad(g: Tensor | null) {
    this.gradStore = g;
    this.gradZeroed = false;
  }

  /**
   * Sets the gradient to zero, keeping its storage for reuse. Lazily: the next backward writes
   * the gradient over the storage instead of adding it to zeros (a training step saves a pass
   * over every parameter's gradient), and reading `grad` before then fills the zeros.
   */
  zeroGrad(): void {
    if (this.gradStore !== null) this.gradZeroed = true;
  }

  /** The single element's value. */
  item(): number { return this.data.item(); }
  /** The data as nested arrays. */
  toArray(): NestedArray { return this.data.toArray(); }
  toString(): string {
    return `Variable(${this.data.toString()}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/** Options of {@link variable} and {@link parameter}. */
export interface VariableOptions {
  readonly requiresGrad?: boolean;
  /** Storage type when `value` is a nested array, or a cast for a tensor of another dtype. */
  readonly dtype?: DType;
  readonly name?: string;
}

/**
 * Wraps a tensor (no copy) or builds one from nested numbers. Refuses NaN, which would
 * otherwise surface as a silent NaN loss many steps later.
 */
export function variable(value: Tensor | NestedArray | Float32Array | Float64Array, opts: VariableOptions = {}): Variable {
  let data: Tensor;
  if (value instanceof Tensor) {
    data = opts.dtype !== undefined && opts.dtype !== value.dtype ? value.astype(opts.dtype) : value;
  } else {
    data = opts.dtype !== undefined ? tensor(value, { dtype: opts.dtype }) : tensor(value);
  }
  assertNoNaN(data, opts.name);
  return new Variable(data, opts.requiresGrad ?? false, opts.name);
}

/** A leaf that requires a gradient: weights, biases, learnable activation parameters. Its tensor is kept out of `tidy`. */
export function parameter(value: Tensor | NestedArray | Float32Array | Float64Array, opts: Omit<VariableOptions, 'requiresGrad'> = {}): Variable {
  const v = variable(value, { ...opts, requiresGrad: true });
  keep(v.data);
  return v;
}

function assertNoNaN(t: Tensor, name: string | undefined): void {
  const c = t.isContiguous() ? t : t.contiguous();
  // A NaN makes the sum NaN, and the backend sums in SIMD: scanning W2's 128×784 batch in a
  // JavaScript loop was 5% of its training step. Only a NaN sum (a NaN, or +∞ beside −∞) is scanned.
  if (c.size > 1024 && !Number.isNaN(c.sum().item())) return;
  const d = c.data;
  for (let i = c.offset, end = c.offset + c.size; i < end; i++) {
    if (d[i] !== d[i]) {
      throw new Error(`variable${name ? ` '${name}'` : ''}: data contains NaN at flat index ${i - c.offset}`);
    }
  }
}
