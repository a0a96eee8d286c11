import type { DType } from './dtype.js';
import { sumTo } from './broadcast.js';
import * as ew from './elementwise.js';
import { formatTensor } from './format.js';
import { matmul } from './matmul.js';
import * as red from './reduce.js';
import { Tensor, type Axes, type NestedArray, type SliceSpec } from './tensor.js';
import * as views from './views.js';

/**
 * The methods of a Tensor, each forwarding to its op module. tensor.ts is the core (fields,
 * layout checks) and imports no op; this file installs the methods on Tensor.prototype, once,
 * from the package entry (index.ts), and types them by declaration merging.
 */
export interface TensorMethods {
  // ---- views (never copy) ----
  /** Permutes the axes; with no arguments reverses them. A view. */
  transpose(...axes: number[]): Tensor;
  /** Reorders the axes: axis i of the result is axis `axes[i]` of this tensor. A view. */
  permute(axes: readonly number[]): Tensor;
  /** Selects along each axis (see `SliceSpec`); missing trailing specs take whole axes. A view. */
  slice(...specs: SliceSpec[]): Tensor;
  /** Drops `axis` (it must have size 1), or every size-1 axis. A view. */
  squeeze(axis?: number): Tensor;
  /** Inserts a size-1 axis at `axis` (negative counts from the end of the result). A view. */
  unsqueeze(axis: number): Tensor;
  /** Broadcasts to `shape` with stride 0 on repeated axes (-1 keeps a size). A view. */
  expand(shape: readonly number[]): Tensor;
  /** Same as `expand`. */
  broadcastTo(shape: readonly number[]): Tensor;
  /** New shape of the same elements; one -1 is inferred. A view when the strides allow, else one copy. */
  reshape(shape: readonly number[]): Tensor;
  /** Flattens to one axis (a view when contiguous). */
  flatten(): Tensor;
  /** Itself when contiguous, else a row-major copy. */
  contiguous(): Tensor;
  /** A row-major copy with its own storage. */
  clone(): Tensor;
  /** A row-major copy in `dtype` (always a copy, even in the same dtype). */
  astype(dtype: DType): Tensor;
  /** The element at `index` (one integer per axis, negative counts from the end). */
  get(...index: number[]): number;
  /** Writes one element. */
  set(index: readonly number[], value: number): void;
  /** The value of a one-element tensor. */
  item(): number;
  /** The elements as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray;
  /** A readable rendering with dtype and shape; large tensors are summarised. */
  toString(): string;

  // ---- elementwise (NumPy broadcasting, scalar operands, optional `out`) ----
  /** this + b (NumPy broadcasting; b may be a number). */
  add(b: Tensor | number, out?: Tensor): Tensor;
  /** this − b. */
  sub(b: Tensor | number, out?: Tensor): Tensor;
  /** this · b elementwise. */
  mul(b: Tensor | number, out?: Tensor): Tensor;
  /** this / b. */
  div(b: Tensor | number, out?: Tensor): Tensor;
  /** this ** b. */
  pow(b: Tensor | number, out?: Tensor): Tensor;
  /** The larger of this and b (NaN propagates). */
  maximum(b: Tensor | number, out?: Tensor): Tensor;
  /** The smaller of this and b (NaN propagates). */
  minimum(b: Tensor | number, out?: Tensor): Tensor;
  /** 1 where this = b, else 0. */
  eq(b: Tensor | number, out?: Tensor): Tensor;
  /** 1 where this ≠ b, else 0. */
  ne(b: Tensor | number, out?: Tensor): Tensor;
  /** 1 where this < b, else 0. */
  lt(b: Tensor | number, out?: Tensor): Tensor;
  /** 1 where this ≤ b, else 0. */
  le(b: Tensor | number, out?: Tensor): Tensor;
  /** 1 where this > b, else 0. */
  gt(b: Tensor | number, out?: Tensor): Tensor;
  /** 1 where this ≥ b, else 0. */
  ge(b: Tensor | number, out?: Tensor): Tensor;
  /** −this. */
  neg(out?: Tensor): Tensor;
  /** eˣ. */
  exp(out?: Tensor): Tensor;
  /** Natural logarithm. */
  log(out?: Tensor): Tensor;
  /** Square root. */
  sqrt(out?: Tensor): Tensor;
  /** |x|. */
  abs(out?: Tensor): Tensor;
  /** −1, 0 or 1 by sign. */
  sign(out?: Tensor): Tensor;
  /** x². */
  square(out?: Tensor): Tensor;
  /** 1/x. */
  reciprocal(out?: Tensor): Tensor;
  /** ln(1+x). */
  log1p(out?: Tensor): Tensor;
  /** eˣ−1. */
  expm1(out?: Tensor): Tensor;
  /** `this ? a : b` elementwise (this is the condition; nonzero is true). */
  where(a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor;
  /** Limits to [min, max]; a null bound is open. */
  clamp(min: number | null | undefined, max: number | null | undefined, out?: Tensor): Tensor;

  // ---- reductions ----
  /** Sum over `axis` (a number, a list, or all when undefined). */
  sum(axis?: Axes, keepDims?: boolean): Tensor;
  /** Mean over `axis`. */
  mean(axis?: Axes, keepDims?: boolean): Tensor;
  /** Maximum over `axis`. */
  max(axis?: Axes, keepDims?: boolean): Tensor;
  /** Minimum over `axis`. */
  min(axis?: Axes, keepDims?: boolean): Tensor;
  /** log Σ exp over `axis`, stable at large |x|. */
  logSumExp(axis?: Axes, keepDims?: boolean): Tensor;
  /** Index of the first maximum along `axis` (flattened when undefined). */
  argmax(axis?: number, keepDims?: boolean): Tensor;
  /** Sums a broadcast result back to `shape` (the adjoint of `expand`). */
  sumTo(shape: readonly number[]): Tensor;

  /** Matrix product (2-D or batched with broadcast batch axes). */
  matmul(b: Tensor, out?: Tensor): Tensor;
}

const methods: ThisType<Tensor> & TensorMethods = {
  // ---- views (never copy) ----
  transpose(...axes: number[]): Tensor { return views.transpose(this, ...axes); },
  permute(axes: readonly number[]): Tensor { return views.permute(this, axes); },
  slice(...specs: SliceSpec[]): Tensor { return views.slice(this, ...specs); },
  squeeze(axis?: number): Tensor { return views.squeeze(this, axis); },
  unsqueeze(axis: number): Tensor { return views.unsqueeze(this, axis); },
  expand(shape: readonly number[]): Tensor { return views.expand(this, shape); },
  broadcastTo(shape: readonly number[]): Tensor { return views.expand(this, shape, 'broadcastTo'); },
  reshape(shape: readonly number[]): Tensor { return views.reshape(this, shape); },
  flatten(): Tensor { return views.reshape(this, [-1]); },
  contiguous(): Tensor { return this.isContiguous() ? this : views.clone(this); },
  clone(): Tensor { return views.clone(this); },
  astype(dtype: DType): Tensor { return views.astype(this, dtype); },
  get(...index: number[]): number { return this.data[views.elementOffset(this, index, 'get')]!; },
  set(index: readonly number[], value: number): void {
    this.data[views.elementOffset(this, index, 'set')] = value;
  },
  item(): number { return views.item(this); },
  toArray(): NestedArray { return views.toArray(this); },
  toString(): string { return formatTensor(this); },

  // ---- elementwise (NumPy broadcasting, scalar operands, optional `out`) ----
  add(b: Tensor | number, out?: Tensor): Tensor { return ew.add(this, b, out); },
  sub(b: Tensor | number, out?: Tensor): Tensor { return ew.sub(this, b, out); },
  mul(b: Tensor | number, out?: Tensor): Tensor { return ew.mul(this, b, out); },
  div(b: Tensor | number, out?: Tensor): Tensor { return ew.div(this, b, out); },
  pow(b: Tensor | number, out?: Tensor): Tensor { return ew.pow(this, b, out); },
  maximum(b: Tensor | number, out?: Tensor): Tensor { return ew.maximum(this, b, out); },
  minimum(b: Tensor | number, out?: Tensor): Tensor { return ew.minimum(this, b, out); },
  eq(b: Tensor | number, out?: Tensor): Tensor { return ew.eq(this, b, out); },
  ne(b: Tensor | number, out?: Tensor): Tensor { return ew.ne(this, b, out); },
  lt(b: Tensor | number, out?: Tensor): Tensor { return ew.lt(this, b, out); },
  le(b: Tensor | number, out?: Tensor): Tensor { return ew.le(this, b, out); },
  gt(b: Tensor | number, out?: Tensor): Tensor { return ew.gt(this, b, out); },
  ge(b: Tensor | number, out?: Tensor): Tensor { return ew.ge(this, b, out); },
  neg(out?: Tensor): Tensor { return ew.neg(this, out); },
  exp(out?: Tensor): Tensor { return ew.exp(this, out); },
  log(out?: Tensor): Tensor { return ew.log(this, out); },
  sqrt(out?: Tensor): Tensor { return ew.sqrt(this, out); },
  abs(out?: Tensor): Tensor { return ew.abs(this, out); },
  sign(out?: Tensor): Tensor { return ew.sign(this, out); },
  square(out?: Tensor): Tensor { return ew.square(this, out); },
  reciprocal(out?: Tensor): Tensor { return ew.reciprocal(this, out); },
  log1p(out?: Tensor): Tensor { return ew.log1p(this, out); },
  expm1(out?: Tensor): Tensor { return ew.expm1(this, out); },
  where(a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor { return ew.where(this, a, b, out); },
  clamp(min: number | null | undefined, max: number | null | undefined, out?: Tensor): Tensor {
    return ew.clamp(this, min, max, out);
  },

  // ---- reductions ----
  sum(axis?: Axes, keepDims = false): Tensor { return red.sum(this, axis, keepDims); },
  mean(axis?: Axes, keepDims = false): Tensor { return red.mean(this, axis, keepDims); },
  max(axis?: Axes, keepDims = false): Tensor { return red.max(this, axis, keepDims); },
  min(axis?: Axes, keepDims = false): Tensor { return red.min(this, axis, keepDims); },
  logSumExp(axis?: Axes, keepDims = false): Tensor { return red.logSumExp(this, axis, keepDims); },
  argmax(axis?: number, keepDims = false): Tensor { return red.argmax(this, axis, keepDims); },
  sumTo(shape: readonly number[]): Tensor { return sumTo(this, shape); },

  matmul(b: Tensor, out?: Tensor): Tensor { return matmul(this, b, out); },
};

let installed = false;

/** Puts the methods on Tensor.prototype; run once by index.ts. */
export function installTensorMethods(): void {
  if (installed) return;
  installed = true;
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
