import { kernels } from './backend/index.js';
import type { ElementwiseKernels, ReduceOp } from './backend/types.js';
import { checkTensor } from './elementwise.js';
import { fail, fmtShape, normalizeAxes, normalizeAxis } from './errors.js';
import { contiguousStrides, forEachRow, RowWalker } from './shape.js';
import { allocTensor } from './storage.js';
import type { Axes, Tensor } from './tensor.js';
import { permute } from './views.js';

// A reduction walks the input in its own memory order and folds each element into the output
// element it belongs to: the output is read through strides that are 0 on reduced axes. When
// the last axis is reduced, whole rows fold into one double accumulator; otherwise rows of the
// output accumulate elementwise, so reducing axis 0 of a row-major matrix still streams memory.

interface Plan {
  keepShape: number[];
  outShape: number[];
  outStrides: number[];
  count: number;
}

function plan(op: string, x: Tensor, axis: Axes, keepDims: boolean): Plan {
  checkTensor(op, x);
  const axes = normalizeAxes(op, axis, x.ndim);
  const keepShape = x.shape.slice();
  let count = 1;
  for (const a of axes) {
    count *= x.shape[a]!;
    keepShape[a] = 1;
  }
  const strides = contiguousStrides(keepShape);
  for (const a of axes) strides[a] = 0;
  const outShape = keepDims ? keepShape : keepShape.filter((_, i) => !axes.includes(i));
  return { keepShape, outShape, outStrides: strides, count };
}

function fold(op: ReduceOp, name: string, x: Tensor, axis: Axes, keepDims: boolean): { out: Tensor; count: number } {
  const p = plan(name, x, axis, keepDims);
  if (p.count === 0 && op !== 'sum') fail(name, `cannot reduce an empty axis of shape ${fmtShape(x.shape)}`);
  const out = allocTensor(p.outShape, x.dtype);
  out.data.fill(op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity, out.offset, out.offset + out.size);
  const k = kernels();
  if (x.isContiguous() && foldRows(op, k, x, p, out)) return { out, count: p.count };
  forEachRow(x.shape, [x.strides, p.outStrides], [x.offset, out.offset], (n, off, st) => {
    k.reduce(op, n, x.data, off[0]!, st[0]!, out.data, off[1]!, st[1]!);
  });
  return { out, count: p.count };
}

/**
 * The two reductions of a contiguous input that need no strided walk: over leading axes (a
 * bias gradient, [rows, n] → [n]: rows fold elementwise into the output) or over trailing axes
 * (each output element folds one run). Returns false for any other axis set.
 */
function foldRows(op: ReduceOp, k: ElementwiseKernels, x: Tensor, p: Plan, out: Tensor): boolean {
  const st = p.outStrides, nd = st.length;
  let lead = 0;
  while (lead < nd && (st[lead] === 0 || x.shape[lead] === 1)) lead++;
  let rest = lead;
  while (rest < nd && (st[rest] !== 0 || x.shape[rest] === 1)) rest++;
  const size = x.size;
  if (rest === nd) {
    // Reduced axes all lead: rows of the output's length fold into it.
    const n = out.size;
    if (n === 0 || size === 0) return size === 0;
    foldLeading(op, k, x, out);
    return true;
  }
  let kept = 0;
  while (kept < nd && (st[kept] !== 0 || x.shape[kept] === 1)) kept++;
  let tail = kept;
  while (tail < nd && (st[tail] === 0 || x.shape[tail] === 1)) tail++;
  if (tail !== nd) return false;
  // Reduced axes all trail: output element i folds the run x[i·len, (i+1)·len).
  const n = out.size;
  if (n === 0 || size === 0) return size === 0;
  const len = size / n;
  for (let i = 0; i < n; i++) k.reduce(op, len, x.data, x.offset + i * len, 1, out.data, out.offset + i, 0);
  return true;
}

/**
 * Folds a non-empty contiguous x into contiguous `out` (holding op's identity) as rows of
 * out's length: a reduction over leading axes, such as a bias gradient [rows, n] → [n].
 */
export function foldLeading(op: ReduceOp, k: ElementwiseKernels, x: Tensor, out: Tensor): void {
  const n = out.size, size = x.size;
  // Everything into one element: one run, so the kernel accumulates in a double.
  if (n === 1) k.reduce(op, size, x.data, x.offset, 1, out.data, out.offset, 0);
  // A sum in one call (the rows add in the same order, so the bits are the row-by-row fold's).
  else if (op === 'sum') k.sumRows(size / n, n, x.data, x.offset, out.data, out.offset);
  else for (let r = 0; r < size; r += n) k.reduce(op, n, x.data, x.offset + r, 1, out.data, out.offset, 1);
}

/** Sum (used by sumTo under its caller's name). */
export function reduceSum(x: Tensor, axis: Axes, keepDims: boolean, name: string): Tensor {
  return fold('sum', name, x, axis, keepDims).out;
}

/** Sum over `axis` (a number, a list, or all axes when undefined). */
export function sum(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return fold('sum', 'sum', x, axis, keepDims).out;
}

/** Mean over `axis`. */
export function mean(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const { out, count } = fold('sum', 'mean', x, axis, keepDims);
  kernels().binaryScalar('mul', out.size, out.data, out.offset, 1, 1 / count, false, out.data, out.offset, 1);
  return out;
}

/** Maximum over `axis` (NaN propagates; an empty axis is refused). */
export function max(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return fold('max', 'max', x, axis, keepDims).out;
}

/** Minimum over `axis`. */
export function min(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return fold('min', 'min', x, axis, keepDims).out;
}

/**
 * log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the maximum, so it stays
 * finite at large |x| (±1000) where the naive form overflows.
 */
export function logSumExp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  const p = plan('logSumExp', x, axis, keepDims);
  const out = allocTensor(p.outShape, x.dtype);
  const o = out.data, oo = out.offset, size = out.size;
  if (p.count === 0) {
    o.fill(-Infinity, oo, oo + size);
    return out;
  }
  const shift = fold('max', 'logSumExp', x, axis, keepDims).out;
  const m = shift.data, mo = shift.offset;
  // An infinite maximum (all −∞, or a +∞) would give ∞ − ∞ = NaN: shift by 0 instead.
  for (let i = 0; i < size; i++) if (!Number.isFinite(m[mo + i]!)) m[mo + i] = 0;
  o.fill(0, oo, oo + size);
  const k = kernels();
  forEachRow(x.shape, [x.strides, p.outStrides, p.outStrides], [x.offset, oo, mo], (n, off, st) => {
    k.expSum(n, x.data, off[0]!, st[0]!, m, off[2]!, o, off[1]!, st[1]!);
  });
  for (let i = 0; i < size; i++) o[oo + i] = m[mo + i]! + Math.log(o[oo + i]!);
  return out;
}

/**
 * Index of the largest element along `axis` (the first one on ties; a NaN counts as largest),
 * in the input's dtype. Without an axis, the index into the row-major flattened tensor.
 */
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  checkTensor('argmax', x);
  if (axis === undefined || axis === null) {
    if (x.size === 0) fail('argmax', `cannot reduce an empty tensor of shape ${fmtShape(x.shape)}`);
    const flat = x.contiguous();
    const out = allocTensor(keepDims ? x.shape.map(() => 1) : [], x.dtype);
    out.data[out.offset] = kernels().argmax(x.size, flat.data, flat.offset, 1);
    return out;
  }
  const a = normalizeAxis('argmax', axis, x.ndim);
  const n = x.shape[a]!;
  if (n === 0) fail('argmax', `cannot reduce axis ${axis} of size 0 (shape ${fmtShape(x.shape)})`);
  const order = x.shape.map((_, i) => i).filter((i) => i !== a);
  order.push(a);
  const y = permute(x, order);
  const keepShape = x.shape.slice();
  keepShape[a] = 1;
  const out = allocTensor(keepDims ? keepShape : x.shape.filter((_, i) => i !== a), x.dtype);
  const walker = new RowWalker(y.shape, [y.strides], [y.offset]);
  const stride = y.strides[y.ndim - 1]!;
  const k = kernels();
  for (let r = 0; r < walker.rows; r++) {
    out.data[out.offset + r] = k.argmax(n, x.data, walker.offsets[0]!, stride);
    walker.next();
  }
  return out;
}
