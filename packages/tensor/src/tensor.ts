import type { DType, FloatArray } from './dtype.js';
import { dtypeOf } from './dtype.js';
import * as ew from './elementwise.js';
import { formatTensor } from './format.js';
import { matmul } from './matmul.js';
import * as red from './reduce.js';
import { fmtShape } from './errors.js';
import { contiguousStrides, sizeOf } from './shape.js';
import * as views from './views.js';
import { sumTo } from './broadcast.js';

/** A nested JavaScript array of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];
/** One axis of `slice`: an index (drops the axis), `null` (the whole axis) or `[start?, stop?, step?]`. */
export type SliceSpec = number | null | readonly [start?: number | null, stop?: number | null, step?: number | null];
/** An axis, a list of axes, or undefined for all axes. */
export type Axes = number | readonly number[] | undefined;

/**
 * An n-dimensional array: four fields over one typed array, as in scijs/ndarray.
 * Element `(i0, i1, …)` lives at `data[offset + Σ strides[k]·i[k]]`. Views (transpose,
 * slice, expand, …) share `data` and only change shape, strides and offset.
 */
export class Tensor {
  readonly data: FloatArray;
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  readonly dtype: DType;

  /**
   * Wraps existing storage without copying (use `tensor()` to copy values in). `strides`
   * default to row-major. Throws when an element would fall outside `data`.
   */
  constructor(data: FloatArray, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.data = data;
    this.shape = shape.slice();
    this.strides = strides ? strides.slice() : contiguousStrides(shape);
    this.offset = offset;
    this.dtype = dtypeOf(data);
    checkLayout(this);
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Whether the elements are laid out row-major without gaps (the offset may be anywhere). */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const n = this.shape[i]!;
      if (n !== 1 && this.strides[i] !== expected) return this.size === 0;
      expected *= n;
    }
    return true;
  }

  // ---- views (never copy) ----
  /** Permutes the axes; with no arguments reverses them. A view. */
  transpose(...axes: number[]): Tensor { return views.transpose(this, ...axes); }
  /** Reorders the axes: axis i of the result is axis `axes[i]` of this tensor. A view. */
  permute(axes: readonly number[]): Tensor { return views.permute(this, axes); }
  /** Selects along each axis (see `SliceSpec`); missing trailing specs take whole axes. A view. */
  slice(...specs: SliceSpec[]): Tensor { return views.slice(this, ...specs); }
  /** Drops `axis` (it must have size 1), or every size-1 axis. A view. */
  squeeze(axis?: number): Tensor { return views.squeeze(this, axis); }
  /** Inserts a size-1 axis at `axis` (negative counts from the end of the result). A view. */
  unsqueeze(axis: number): Tensor { return views.unsqueeze(this, axis); }
  /** Broadcasts to `shape` with stride 0 on repeated axes (-1 keeps a size). A view. */
  expand(shape: readonly number[]): Tensor { return views.expand(this, shape); }
  /** Same as `expand`. */
  broadcastTo(shape: readonly number[]): Tensor { return views.expand(this, shape, 'broadcastTo'); }
  /** New shape of the same elements; one -1 is inferred. A view when the strides allow, else one copy. */
  reshape(shape: readonly number[]): Tensor { return views.reshape(this, shape); }
  /** Flattens to one axis (a view when contiguous). */
  flatten(): Tensor { return views.reshape(this, [-1]); }
  /** Itself when contiguous, else a row-major copy. */
  contiguous(): Tensor { return this.isContiguous() ? this : views.clone(this); }
  /** A row-major copy with its own storage. */
  clone(): Tensor { return views.clone(this); }
  /** A row-major copy in `dtype` (always a copy, even in the same dtype). */
  astype(dtype: DType): Tensor { return views.astype(this, dtype); }
  /** The element at `index` (one integer per axis, negative counts from the end). */
  get(...index: number[]): number { return this.data[views.elementOffset(this, index, 'get')]!; }
  /** Writes one element. */
  set(index: readonly number[], value: number): void { this.data[views.elementOffset(this, index, 'set')] = value; }
  /** The value of a one-element tensor. */
  item(): number { return views.item(this); }
  /** The elements as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray { return views.toArray(this); }
  /** A readable rendering with dtype and shape; large tensors are summarised. */
  toString(): string { return formatTensor(this); }

  // ---- elementwise (NumPy broadcasting, scalar operands, optional `out`) ----
  /** this + b (NumPy broadcasting; b may be a number). */
  add(b: Tensor | number, out?: Tensor): Tensor { return ew.add(this, b, out); }
  /** this − b. */
  sub(b: Tensor | number, out?: Tensor): Tensor { return ew.sub(this, b, out); }
  /** this · b elementwise. */
  mul(b: Tensor | number, out?: Tensor): Tensor { return ew.mul(this, b, out); }
  /** this / b. */
  div(b: Tensor | number, out?: Tensor): Tensor { return ew.div(this, b, out); }
  /** this ** b. */
  pow(b: Tensor | number, out?: Tensor): Tensor { return ew.pow(this, b, out); }
  /** The larger of this and b (NaN propagates). */
  maximum(b: Tensor | number, out?: Tensor): Tensor { return ew.maximum(this, b, out); }
  /** The smaller of this and b (NaN propagates). */
  minimum(b: Tensor | number, out?: Tensor): Tensor { return ew.minimum(this, b, out); }
  /** 1 where this = b, else 0. */
  eq(b: Tensor | number, out?: Tensor): Tensor { return ew.eq(this, b, out); }
  /** 1 where this ≠ b, else 0. */
  ne(b: Tensor | number, out?: Tensor): Tensor { return ew.ne(this, b, out); }
  /** 1 where this < b, else 0. */
  lt(b: Tensor | number, out?: Tensor): Tensor { return ew.lt(this, b, out); }
  /** 1 where this ≤ b, else 0. */
  le(b: Tensor | number, out?: Tensor): Tensor { return ew.le(this, b, out); }
  /** 1 where this > b, else 0. */
  gt(b: Tensor | number, out?: Tensor): Tensor { return ew.gt(this, b, out); }
  /** 1 where this ≥ b, else 0. */
  ge(b: Tensor | number, out?: Tensor): Tensor { return ew.ge(this, b, out); }
  /** −this. */
  neg(out?: Tensor): Tensor { return ew.neg(this, out); }
  /** eˣ. */
  exp(out?: Tensor): Tensor { return ew.exp(this, out); }
  /** Natural logarithm. */
  log(out?: Tensor): Tensor { return ew.log(this, out); }
  /** Square root. */
  sqrt(out?: Tensor): Tensor { return ew.sqrt(this, out); }
  /** |x|. */
  abs(out?: Tensor): Tensor { return ew.abs(this, out); }
  /** −1, 0 or 1 by sign. */
  sign(out?: Tensor): Tensor { return ew.sign(this, out); }
  /** x². */
  square(out?: Tensor): Tensor { return ew.square(this, out); }
  /** 1/x. */
  reciprocal(out?: Tensor): Tensor { return ew.reciprocal(this, out); }
  /** Hyperbolic tangent. */
  tanh(out?: Tensor): Tensor { return ew.tanh(this, out); }
  /** 1/(1+e⁻ˣ), without overflow. */
  sigmoid(out?: Tensor): Tensor { return ew.sigmoid(this, out); }
  /** ln(1+x). */
  log1p(out?: Tensor): Tensor { return ew.log1p(this, out); }
  /** eˣ−1. */
  expm1(out?: Tensor): Tensor { return ew.expm1(this, out); }
  /** max(x, 0). */
  relu(out?: Tensor): Tensor { return ew.relu(this, out); }
  /** `this ? a : b` elementwise (this is the condition; nonzero is true). */
  where(a: Tensor | number, b: Tensor | number, out?: Tensor): Tensor { return ew.where(this, a, b, out); }
  /** Limits to [min, max]; a null bound is open. */
  clamp(min: number | null | undefined, max: number | null | undefined, out?: Tensor): Tensor {
    return ew.clamp(this, min, max, out);
  }

  // ---- reductions ----
  /** Sum over `axis` (a number, a list, or all when undefined). */
  sum(axis?: Axes, keepDims = false): Tensor { return red.sum(this, axis, keepDims); }
  /** Mean over `axis`. */
  mean(axis?: Axes, keepDims = false): Tensor { return red.mean(this, axis, keepDims); }
  /** Maximum over `axis`. */
  max(axis?: Axes, keepDims = false): Tensor { return red.max(this, axis, keepDims); }
  /** Minimum over `axis`. */
  min(axis?: Axes, keepDims = false): Tensor { return red.min(this, axis, keepDims); }
  /** log Σ exp over `axis`, stable at large |x|. */
  logSumExp(axis?: Axes, keepDims = false): Tensor { return red.logSumExp(this, axis, keepDims); }
  /** Index of the first maximum along `axis` (flattened when undefined). */
  argmax(axis?: number, keepDims = false): Tensor { return red.argmax(this, axis, keepDims); }
  /** Sums a broadcast result back to `shape` (the adjoint of `expand`). */
  sumTo(shape: readonly number[]): Tensor { return sumTo(this, shape); }

  /** Matrix product (2-D or batched with broadcast batch axes). */
  matmul(b: Tensor, out?: Tensor): Tensor { return matmul(this, b, out); }

  /** console.log and the Node REPL show the values, not the fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// Views are built here too, so this stays a handful of integer checks per axis.
function checkLayout(t: Tensor): void {
  const { data, shape, strides, offset } = t;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new TypeError('Tensor: data must be a Float32Array or Float64Array');
  }
  if (strides.length !== shape.length) {
    throw new Error(`Tensor: ${strides.length} strides for shape ${fmtShape(shape)}`);
  }
  let lo = offset, hi = offset, empty = false;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!, s = strides[d]!;
    if (!Number.isInteger(n) || n < 0) throw new Error(`Tensor: invalid size ${n} at axis ${d} of shape ${fmtShape(shape)}`);
    if (!Number.isInteger(s)) throw new Error(`Tensor: stride ${s} at axis ${d} is not an integer`);
    if (n === 0) empty = true;
    else if (s > 0) hi += s * (n - 1);
    else lo += s * (n - 1);
  }
  if (!Number.isInteger(offset) || (!empty && (lo < 0 || hi >= data.length))) {
    throw new RangeError(`Tensor: shape ${fmtShape(shape)} with strides ${fmtShape(strides)} and offset ${offset} reaches outside storage of ${data.length} elements`);
  }
}
