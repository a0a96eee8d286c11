import type { DType, FloatArray } from './dtype.js';
import { dtypeOf, isDType } from './dtype.js';
import { checkShape, fail, failType, fmtShape } from './errors.js';
import { sizeOf } from './shape.js';
import { allocTensor } from './storage.js';
import type { NestedArray } from './tensor.js';
import { Tensor } from './tensor.js';

/** Options of `tensor()`. */
export interface TensorOptions {
  /** Shape of the result; defaults to the nesting of `values` (or `[length]` for a typed array). */
  shape?: readonly number[];
  /** Defaults to the typed array's dtype, or float32. */
  dtype?: DType;
}

export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === undefined) return 'float32';
  if (!isDType(dtype)) failType(op, `unknown dtype '${String(dtype)}' (valid: float32, float64)`);
  return dtype;
}

function shapeArg(op: string, shape: readonly number[] | number): number[] {
  return checkShape(op, typeof shape === 'number' ? [shape] : shape);
}

/**
 * A tensor from nested arrays (`[[1, 2], [3, 4]]`), a number (0-d), or a flat typed array or
 * number array plus `shape`. The values are copied. Ragged nesting and non-numbers are refused.
 *
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);                                        // float32, [2, 2]
 * const b = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], dtype: 'float64' });
 * ```
 */
export function tensor(values: NestedArray | FloatArray | readonly number[], opts: TensorOptions = {}): Tensor {
  const isTyped = values instanceof Float32Array || values instanceof Float64Array;
  const dtype = opts.dtype !== undefined ? checkDType('tensor', opts.dtype) : isTyped ? dtypeOf(values) : 'float32';
  let shape: number[];
  let flat: ArrayLike<number>;
  if (isTyped) {
    flat = values;
    shape = [values.length];
  } else if (typeof values === 'number') {
    flat = [values];
    shape = [];
  } else if (Array.isArray(values)) {
    shape = inferNestedShape(values);
    const out: number[] = [];
    flatten(values, shape, 0, [], out);
    flat = out;
  } else if (ArrayBuffer.isView(values)) {
    flat = values as unknown as ArrayLike<number>;
    shape = [flat.length];
  } else {
    failType('tensor', `expected nested arrays of numbers or a Float32Array/Float64Array, got ${typeof values}`);
  }
  if (opts.shape !== undefined) {
    const want = checkShape('tensor', opts.shape);
    if (sizeOf(want) !== flat.length) {
      fail('tensor', `${flat.length} values do not fill shape ${fmtShape(want)} (${sizeOf(want)} elements)`);
    }
    shape = want;
  }
  const t = allocTensor(shape, dtype);
  const d = t.data;
  if (isTyped || ArrayBuffer.isView(flat)) d.set(flat as FloatArray);
  else for (let i = 0; i < flat.length; i++) d[i] = flat[i]!;
  return t;
}

function inferNestedShape(values: NestedArray[]): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0]!;
  }
  return shape;
}

function flatten(v: NestedArray, shape: number[], depth: number, path: number[], out: number[]): void {
  if (depth === shape.length) {
    if (typeof v !== 'number') {
      const what = Array.isArray(v) ? 'an array' : `${typeof v} ${JSON.stringify(v)}`;
      fail('tensor', `element [${path.join(',')}] is ${what}, expected a number (ragged or non-numeric nested array)`);
    }
    out.push(v);
    return;
  }
  if (!Array.isArray(v)) {
    fail('tensor', `ragged nested array: element [${path.join(',')}] is ${typeof v}, expected an array of length ${shape[depth]}`);
  }
  if (v.length !== shape[depth]) {
    fail('tensor', `ragged nested array: element [${path.join(',')}] has length ${v.length}, expected ${shape[depth]}`);
  }
  for (let i = 0; i < v.length; i++) {
    path.push(i);
    flatten(v[i]!, shape, depth + 1, path, out);
    path.pop();
  }
}

/** Uninitialised storage: contents are arbitrary (inside `tidy`, a recycled buffer). */
export function empty(shape: readonly number[] | number, dtype?: DType): Tensor {
  return allocTensor(shapeArg('empty', shape), checkDType('empty', dtype));
}

/** All zeros. */
export function zeros(shape: readonly number[] | number, dtype?: DType): Tensor {
  return allocTensor(shapeArg('zeros', shape), checkDType('zeros', dtype), true);
}

/** All ones. */
export function ones(shape: readonly number[] | number, dtype?: DType): Tensor {
  return full(shape, 1, dtype);
}

/** Every element `value`. */
export function full(shape: readonly number[] | number, value: number, dtype?: DType): Tensor {
  if (typeof value !== 'number') failType('full', `value must be a number, got ${typeof value}`);
  const t = allocTensor(shapeArg('full', shape), checkDType('full', dtype));
  t.data.fill(value);
  return t;
}

/** start, start+step, … up to but excluding stop; `arange(n)` is 0…n−1. */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  if (stop === undefined || stop === null) {
    stop = start;
    start = 0;
  }
  for (const v of [start, stop, step]) if (typeof v !== 'number' || !Number.isFinite(v)) failType('arange', `arguments must be finite numbers, got ${v}`);
  if (step === 0) fail('arange', 'step must be nonzero');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const t = allocTensor([n], checkDType('arange', dtype));
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return t;
}

/** n evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, n: number, dtype?: DType): Tensor {
  if (!Number.isInteger(n) || n < 0) failType('linspace', `n must be an integer >= 0, got ${n}`);
  const t = allocTensor([n], checkDType('linspace', dtype));
  const step = n > 1 ? (stop - start) / (n - 1) : 0;
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  if (n > 1) t.data[n - 1] = stop;
  return t;
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m?: number, dtype?: DType): Tensor {
  const cols = m ?? n;
  const t = zeros(shapeArg('eye', [n, cols]), dtype);
  for (let i = 0; i < Math.min(n, cols); i++) t.data[i * cols + i] = 1;
  return t;
}

/** Same shape and dtype as x. */
export function zerosLike(x: Tensor): Tensor {
  return allocTensor(x.shape, x.dtype, true);
}

/** Same shape and dtype as x, all ones. */
export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, x.dtype);
}
