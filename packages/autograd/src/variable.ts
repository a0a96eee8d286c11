import { keep, ones, Tensor, tensor, type DType, type NestedArray, type SliceSpec } from '@actgrad/tensor';
import { activation, type ActivationDef, type ActivationOptions } from './activations/registry.js';
import { runBackward, type GraphNode } from './engine.js';
import * as F from './functional.js';
import * as A from './activations/functions.js';
import type { OpDef, Saved } from './op-def.js';
import type { Axes } from './ops/reduce.js';
import type { LabelsLike } from './ops/labels.js';

/** Options of {@link Variable.backward}. */
export interface BackwardOptions {
  /** Keep the graph after this pass so backward can run through it again. Default false. */
  readonly retainGraph?: boolean;
}

/**
 * A differentiable value: a tensor, whether it requires a gradient, and after `backward()` its
 * gradient in `grad` (leaves, and nodes that called `retainGrad()`). Ops on Variables record the
 * graph `backward()` walks; every op and activation is also a method: `x.matmul(w).add(b).relu()`.
 */
export class Variable implements GraphNode {
  data: Tensor;
  /** ∂L/∂this after backward(), accumulated (+=) across calls until {@link zeroGrad}. */
  grad: Tensor | null = null;
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

  get shape(): number[] { return this.data.shape; }
  get dtype(): DType { return this.data.dtype; }
  get size(): number { return this.data.size; }
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

  /** Zero-fills the gradient storage (kept for reuse) if there is one. */
  zeroGrad(): void {
    if (this.grad !== null) this.grad.data.fill(0, this.grad.offset, this.grad.offset + this.grad.size);
  }

  /** The single element's value. */
  item(): number { return this.data.item(); }
  /** The data as nested arrays. */
  toArray(): NestedArray { return this.data.toArray(); }
  toString(): string {
    return `Variable(${this.data.toString()}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  /** this + b, broadcasting; a number stays a scalar. */
  add(b: F.Operand): Variable { return F.add(this, b); }
  /** this − b, broadcasting. */
  sub(b: F.Operand): Variable { return F.sub(this, b); }
  /** this · b elementwise, broadcasting. */
  mul(b: F.Operand): Variable { return F.mul(this, b); }
  /** this / b elementwise, broadcasting. */
  div(b: F.Operand): Variable { return F.div(this, b); }
  /** −this. */
  neg(): Variable { return F.neg(this); }
  /** this^p for a constant p. */
  pow(exponent: number): Variable { return F.pow(this, exponent); }
  /** e^this (saves its output). */
  exp(): Variable { return F.exp(this); }
  /** Natural logarithm (saves its input). */
  log(): Variable { return F.log(this); }
  /** Square root (saves its output). */
  sqrt(): Variable { return F.sqrt(this); }
  /** |this|; gradient 0 at 0. */
  abs(): Variable { return F.abs(this); }
  /** Clamped into [min, max]; null/undefined leaves a side open. */
  clamp(min: number | null | undefined, max: number | null | undefined): Variable { return F.clamp(this, min, max); }
  /** Matrix product, 2-D or batched. */
  matmul(b: Variable | Tensor): Variable { return F.matmul(this, b); }
  /** Sum over an axis, several, or all. */
  sum(axis?: Axes, keepDims = false): Variable { return F.sum(this, axis, keepDims); }
  /** Mean over an axis, several, or all. */
  mean(axis?: Axes, keepDims = false): Variable { return F.mean(this, axis, keepDims); }
  /** Maximum over an axis, several, or all; ties share the gradient. */
  max(axis?: Axes, keepDims = false): Variable { return F.max(this, axis, keepDims); }
  /** Same elements, new shape (one -1 allowed). */
  reshape(shape: readonly number[]): Variable { return F.reshape(this, shape); }
  /** Reverses the axes, or permutes them when given. */
  transpose(...axes: number[]): Variable { return F.transpose(this, ...axes); }
  /** Permutes the axes. */
  permute(axes: readonly number[]): Variable { return F.permute(this, axes); }
  /** Python-style slicing per axis (a view). */
  slice(...specs: SliceSpec[]): Variable { return F.slice(this, ...specs); }
  /** Broadcast to `shape` (a view). */
  expand(shape: readonly number[]): Variable { return F.expand(this, shape); }
  /** This value followed by `others` along `axis`. */
  concat(others: readonly (Variable | Tensor)[], axis = 0): Variable { return F.concat([this, ...others], axis); }
  /** torch.gather along `axis`. */
  gather(indices: Tensor, axis: number): Variable { return F.gather(this, indices, axis); }
  /** Row i's element labels[i] of a 2-D value. */
  pick(labels: LabelsLike): Variable { return F.pick(this, labels); }
  /** This value as the condition: `cond.where(a, b)` is a where cond ≠ 0, else b. */
  where(a: F.Operand, b: F.Operand): Variable { return F.where(this, a, b); }

  /** a = s. */
  linear(): Variable { return A.linear(this); }
  /** a = 1/(1 + e^−s); a' = a(1 − a). */
  sigmoid(): Variable { return A.sigmoid(this); }
  /** a = tanh s; a' = 1 − a². */
  tanh(): Variable { return A.tanh(this); }
  /** a = max(0, s); a' = 1 for s ≥ 0 (including 0), else 0. */
  relu(): Variable { return A.relu(this); }
  /** a = αs for s < 0, s otherwise (α = 0.01 by default). */
  leakyRelu(alpha?: number): Variable { return A.leakyRelu(this, alpha); }
  /** a = α(e^s − 1) for s < 0, s otherwise (α = 1 by default); a' = a + α for s < 0. */
  elu(alpha?: number): Variable { return A.elu(this, alpha); }
  /** Scaled ELU with the exact λ and α. */
  selu(): Variable { return A.selu(this); }
  /** Softmax along `axis` (default last); full-Jacobian backward. */
  softmax(axis?: number): Variable { return A.softmax(this, axis); }
  /** log softmax along `axis` (default last), by log-sum-exp. */
  logSoftmax(axis?: number): Variable { return A.logSoftmax(this, axis); }
  /** a = s·Φ(s). */
  gelu(): Variable { return A.gelu(this); }
  /** a = s·σ(s). */
  silu(): Variable { return A.silu(this); }
  /** a = log(1 + e^s), stable. */
  softplus(): Variable { return A.softplus(this); }
  /** Parametric ReLU with a learnable α (one, or one per channel on axis 1). */
  prelu(alpha: Variable): Variable { return A.prelu(this, alpha); }
  /** Applies a registered activation by name (or a user definition). */
  activation(nameOrDef: string | ActivationDef, options?: ActivationOptions): Variable {
    return activation(nameOrDef, options)(this);
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
