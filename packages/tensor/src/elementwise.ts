import { kernels } from './backend/index.js';
import type { BinaryOp, UnaryOp } from './backend/types.js';
import { broadcastShapes, broadcastStrides } from './broadcast-shape.js';
import type { DType, FloatArray } from './dtype.js';
import { fail, failType, fmtShape } from './errors.js';
import { coalesce, contiguousStrides, forEachRow, isTrailing, sameShape } from './shape.js';
import { allocTensor } from './storage.js';
import { Tensor } from './tensor.js';

/** A tensor, or a number broadcast against the other operand. */
export type Operand = Tensor | number;

/** Checks `out` (contiguous, of the result's shape and dtype) or allocates the result. */
export function prepareOut(op: string, out: Tensor | undefined, shape: readonly number[], dtype: DType): Tensor {
  if (out === undefined || out === null) return allocTensor(shape, dtype);
  if (!(out instanceof Tensor)) failType(op, `out must be a Tensor`);
  if (!sameShape(out.shape, shape)) fail(op, `out has shape ${fmtShape(out.shape)} but the result has shape ${fmtShape(shape)}`);
  if (out.dtype !== dtype) failType(op, `out has dtype ${out.dtype} but the result has dtype ${dtype}`);
  if (!out.isContiguous()) fail(op, `out must be contiguous (got strides ${fmtShape(out.strides)})`);
  return out;
}

export function checkTensor(op: string, x: unknown, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) failType(op, `${what} must be a Tensor, got ${describe(x)}`);
  return x;
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor())';
  return typeof x === 'object' ? (x.constructor?.name ?? 'object') : `${typeof x} ${String(x)}`;
}

function binaryOp(op: BinaryOp, a: Operand, b: Operand, out?: Tensor): Tensor {
  const aT = a instanceof Tensor;
  const bT = b instanceof Tensor;
  if (!aT && typeof a !== 'number') failType(op, `first operand must be a Tensor or a number, got ${describe(a)}`);
  if (!bT && typeof b !== 'number') failType(op, `second operand must be a Tensor or a number, got ${describe(b)}`);
  const k = kernels();
  if (aT && bT) {
    if (a.dtype !== b.dtype) {
      failType(op, `dtypes ${a.dtype} and ${b.dtype} differ (cast one with astype)`);
    }
    const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, op);
    const o = prepareOut(op, out, shape, a.dtype);
    if (shape === a.shape && a.isContiguous() && b.isContiguous()) {
      k.binary(op, o.size, a.data, a.offset, 1, b.data, b.offset, 1, o.data, o.offset, 1);
      return o;
    }
    // A bias add ([rows, n] + [n]) is the common broadcast of small models: one kernel call
    // over all rows, rather than a general strided walk or a call per row.
    if (a.isContiguous() && b.isContiguous()) {
      const n = o.size;
      if (isTrailing(b.shape, shape) && b.size > 0 && isTrailing(a.shape, shape)) {
        const aRow = a.size === n, bRow = b.size === n;
        if (aRow && !bRow) {
          const nb = b.size;
          k.binaryRows(op, n / nb, nb, a.data, a.offset, nb, b.data, b.offset, 0, o.data, o.offset);
          return o;
        }
        if (bRow && !aRow && a.size > 0) {
          const na = a.size;
          k.binaryRows(op, n / na, na, a.data, a.offset, 0, b.data, b.offset, na, o.data, o.offset);
          return o;
        }
      }
    }
    forEachRow(shape, [broadcastStrides(a, shape), broadcastStrides(b, shape), o.strides],
      [a.offset, b.offset, o.offset], (n, off, st) => {
        k.binary(op, n, a.data, off[0]!, st[0]!, b.data, off[1]!, st[1]!, o.data, off[2]!, st[2]!);
      });
    return o;
  }
  if (!aT && !bT) failType(op, `at least one operand must be a Tensor, got numbers ${a} and ${b}`);
  const t = (aT ? a : b) as Tensor;
  const s = (aT ? b : a) as number;
  const o = prepareOut(op, out, t.shape, t.dtype);
  if (t.isContiguous()) {
    k.binaryScalar(op, o.size, t.data, t.offset, 1, s, !aT, o.data, o.offset, 1);
    return o;
  }
  forEachRow(t.shape, [t.strides, o.strides], [t.offset, o.offset], (n, off, st) => {
    k.binaryScalar(op, n, t.data, off[0]!, st[0]!, s, !aT, o.data, off[1]!, st[1]!);
  });
  return o;
}

function unaryOp(op: UnaryOp, name: string, x: Tensor, out?: Tensor): Tensor {
  checkTensor(name, x);
  const o = prepareOut(name, out, x.shape, x.dtype);
  const k = kernels();
  if (x.isContiguous()) {
    k.unary(op, o.size, x.data, x.offset, 1, o.data, o.offset, 1);
    return o;
  }
  forEachRow(x.shape, [x.strides, o.strides], [x.offset, o.offset], (n, off, st) => {
    k.unary(op, n, x.data, off[0]!, st[0]!, o.data, off[1]!, st[1]!);
  });
  return o;
}

/** Copies `src` (broadcast to `dst.shape`, any dtype) into `dst`, whatever either's strides. */
export function copyStrided(src: Tensor, dst: Tensor): void {
  const k = kernels();
  if (src.dtype === dst.dtype && sameShape(src.shape, dst.shape) && src.isContiguous() && dst.isContiguous()) {
    if (src.data === dst.data && src.offset === dst.offset) return;
    dst.data.set(src.data.subarray(src.offset, src.offset + src.size), dst.offset);
    return;
  }
  const srcStrides = broadcastStrides(src, dst.shape);
  const c = coalesce(dst.shape, [srcStrides, dst.strides]);
  if (c.shape.length === 2 && Math.abs(c.strides[0]![0]!) === 1 && Math.abs(c.strides[0]![1]!) > 1) {
    copyTiled(c.shape[0]!, c.shape[1]!, src.data, src.offset, c.strides[0]!, dst.data, dst.offset, c.strides[1]!);
    return;
  }
  // Already coalesced: forEachRow's own pass finds nothing left to merge.
  forEachRow(c.shape, c.strides, [src.offset, dst.offset], (n, off, st) => {
    k.unary('copy', n, src.data, off[0]!, st[0]!, dst.data, off[1]!, st[1]!);
  });
}

const TILE = 32;

// A transpose-like copy (the source walks memory along the outer axis): row by row, every
// source read would touch a new cache line. In 32×32 tiles the 32 source lines stay cached
// while the tile's rows are written.
function copyTiled(n0: number, n1: number, s: FloatArray, so: number, ss: number[], d: FloatArray, dOff: number, ds: number[]): void {
  const ss0 = ss[0]!, ss1 = ss[1]!, ds0 = ds[0]!, ds1 = ds[1]!;
  for (let i0 = 0; i0 < n0; i0 += TILE) {
    const i1 = Math.min(n0, i0 + TILE);
    for (let j0 = 0; j0 < n1; j0 += TILE) {
      const j1 = Math.min(n1, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        for (let j = j0, is = so + i * ss0 + j0 * ss1, id = dOff + i * ds0 + j0 * ds1; j < j1; j++, is += ss1, id += ds1) d[id] = s[is]!;
      }
    }
  }
}

/** a + b (NumPy broadcasting; either may be a number). */
export const add = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('add', a, b, out);
/** a − b. */
export const sub = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('sub', a, b, out);
/** a · b elementwise. */
export const mul = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('mul', a, b, out);
/** a / b. */
export const div = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('div', a, b, out);
/** a ** b. */
export const pow = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('pow', a, b, out);
/** The larger of a and b (NaN propagates). */
export const maximum = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('maximum', a, b, out);
/** The smaller of a and b (NaN propagates). */
export const minimum = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('minimum', a, b, out);
/** 1 where a = b, else 0 (in the operands' dtype). */
export const eq = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('eq', a, b, out);
/** 1 where a ≠ b, else 0. */
export const ne = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('ne', a, b, out);
/** 1 where a < b, else 0. */
export const lt = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('lt', a, b, out);
/** 1 where a ≤ b, else 0. */
export const le = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('le', a, b, out);
/** 1 where a > b, else 0. */
export const gt = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('gt', a, b, out);
/** 1 where a ≥ b, else 0. */
export const ge = (a: Operand, b: Operand, out?: Tensor): Tensor => binaryOp('ge', a, b, out);

/** −x. */
export const neg = (x: Tensor, out?: Tensor): Tensor => unaryOp('neg', 'neg', x, out);
/** eˣ. */
export const exp = (x: Tensor, out?: Tensor): Tensor => unaryOp('exp', 'exp', x, out);
/** Natural logarithm. */
export const log = (x: Tensor, out?: Tensor): Tensor => unaryOp('log', 'log', x, out);
/** Square root. */
export const sqrt = (x: Tensor, out?: Tensor): Tensor => unaryOp('sqrt', 'sqrt', x, out);
/** |x|. */
export const abs = (x: Tensor, out?: Tensor): Tensor => unaryOp('abs', 'abs', x, out);
/** −1, 0 or 1 by the sign of x. */
export const sign = (x: Tensor, out?: Tensor): Tensor => unaryOp('sign', 'sign', x, out);
/** x². */
export const square = (x: Tensor, out?: Tensor): Tensor => unaryOp('square', 'square', x, out);
/** 1/x. */
export const reciprocal = (x: Tensor, out?: Tensor): Tensor => unaryOp('reciprocal', 'reciprocal', x, out);
/** ln(1+x), accurate near 0. */
export const log1p = (x: Tensor, out?: Tensor): Tensor => unaryOp('log1p', 'log1p', x, out);
/** eˣ−1, accurate near 0. */
export const expm1 = (x: Tensor, out?: Tensor): Tensor => unaryOp('expm1', 'expm1', x, out);

/** Limits x to [min, max]; either bound may be null (open). */
export function clamp(x: Tensor, min?: number | null, max?: number | null, out?: Tensor): Tensor {
  checkTensor('clamp', x);
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (typeof lo !== 'number' || typeof hi !== 'number') failType('clamp', `bounds must be numbers or null, got ${describe(min)} and ${describe(max)}`);
  if (Number.isNaN(lo) || Number.isNaN(hi)) fail('clamp', 'bounds must not be NaN');
  if (lo > hi) fail('clamp', `min ${lo} is greater than max ${hi}`);
  const o = prepareOut('clamp', out, x.shape, x.dtype);
  const k = kernels();
  forEachRow(x.shape, [x.strides, o.strides], [x.offset, o.offset], (n, off, st) => {
    k.clamp(n, x.data, off[0]!, st[0]!, lo, hi, o.data, off[1]!, st[1]!);
  });
  return o;
}

const scalars = { float32: new Float32Array(2), float64: new Float64Array(2) };

function scalarView(dtype: DType, slot: number, value: number): Tensor {
  const data = scalars[dtype];
  data[slot] = value;
  return new Tensor(data, [], [], slot);
}

/** `cond ? a : b` elementwise with broadcasting over all three; cond is true where nonzero. */
export function where(cond: Tensor, a: Operand, b: Operand, out?: Tensor): Tensor {
  checkTensor('where', cond, 'condition');
  const aT = a instanceof Tensor;
  const bT = b instanceof Tensor;
  if (!aT && typeof a !== 'number') failType('where', `second operand must be a Tensor or a number, got ${describe(a)}`);
  if (!bT && typeof b !== 'number') failType('where', `third operand must be a Tensor or a number, got ${describe(b)}`);
  if (aT && bT && a.dtype !== b.dtype) failType('where', `dtypes ${a.dtype} and ${b.dtype} differ (cast one with astype)`);
  const dtype = aT ? a.dtype : bT ? b.dtype : cond.dtype;
  let shape = cond.shape;
  if (aT) shape = broadcastShapes(shape, a.shape, 'where');
  if (bT) shape = broadcastShapes(shape, b.shape, 'where');
  const o = prepareOut('where', out, shape, dtype);
  // A number operand reads as a one-element buffer with stride 0 (reused: small typed
  // arrays are slow to allocate).
  const av = aT ? a : scalarView(dtype, 0, a);
  const bv = bT ? b : scalarView(dtype, 1, b);
  const k = kernels();
  forEachRow(shape, [broadcastStrides(cond, shape), broadcastStrides(av, shape), broadcastStrides(bv, shape), contiguousStrides(shape)],
    [cond.offset, av.offset, bv.offset, o.offset], (n, off, st) => {
      k.where(n, cond.data, off[0]!, st[0]!, av.data, off[1]!, st[1]!, bv.data, off[2]!, st[2]!, o.data, off[3]!, st[3]!);
    });
  return o;
}
