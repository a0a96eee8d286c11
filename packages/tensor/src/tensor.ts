import type { DType, FloatArray } from './dtype.js';
import { dtypeOf } from './dtype.js';
import { fmtShape } from './errors.js';
import { contiguousStrides, sizeOf } from './shape.js';
// Types only, erased at runtime: the methods tensor-methods.ts installs, merged into the class below
// so they are typed (in the bundled .d.ts too, where a `declare module` augmentation would be lost).
import type { TensorMethods } from './tensor-methods.js'; // cycle-ok: declaration merging

/** A nested JavaScript array of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];
/** One axis of `slice`: an index (drops the axis), `null` (the whole axis) or `[start?, stop?, step?]`. */
export type SliceSpec = number | null | readonly [start?: number | null, stop?: number | null, step?: number | null];
/** An axis, a list of axes, or undefined for all axes. */
export type Axes = number | readonly number[] | undefined;

export interface Tensor extends TensorMethods {}

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

  // The view, elementwise, reduction and matmul methods are installed by tensor-methods.ts.

  /** console.log and the Node REPL show the values, not the fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return String(this);
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
