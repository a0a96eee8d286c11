import { kernels } from './backend/index.js';
import { fail, fmtShape } from './errors.js';
import { isTrailing, sameShape } from './shape.js';
import { foldLeading, reduceSum } from './reduce.js';
import { allocTensor } from './storage.js';
import type { Tensor } from './tensor.js';
import { reshape } from './views.js';

/**
 * The NumPy broadcast of two shapes: aligned from the right, each pair of sizes must be
 * equal or contain a 1. `op` names the caller in the error.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[], op = 'broadcastShapes'): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let i = 1; i <= nd; i++) {
    const x = i <= a.length ? a[a.length - i]! : 1;
    const y = i <= b.length ? b[b.length - i]! : 1;
    if (x === y || y === 1) out[nd - i] = x;
    else if (x === 1) out[nd - i] = y;
    else fail(op, `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot broadcast (axis ${-i}: ${x} vs ${y})`);
  }
  return out;
}

/** Strides that read `x` as if expanded to `shape` (already known to be compatible). */
export function broadcastStrides(x: Tensor, shape: readonly number[]): number[] {
  const nd = shape.length;
  const lead = nd - x.ndim;
  const out = new Array<number>(nd);
  for (let d = 0; d < nd; d++) {
    out[d] = d < lead || x.shape[d - lead] === 1 ? 0 : x.strides[d - lead]!;
  }
  return out;
}

/**
 * Sums `x` down to `shape`, which must broadcast to `x.shape`: the adjoint of `expand`,
 * used to reduce a gradient to the shape of a broadcast operand. Returns `x` itself when the
 * shapes already agree.
 */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  if (lead < 0) fail('sumTo', `cannot sum shape ${fmtShape(x.shape)} to ${fmtShape(shape)} (more axes)`);
  // A bias gradient ([rows, n] to [n]): fold the rows straight into the result, without the
  // general reduction's axis plan and reshape, which add ~30% to a call at this size.
  if (lead > 0 && x.isContiguous() && x.size > 0 && isTrailing(shape, x.shape)) {
    const out = allocTensor(shape, x.dtype, true);
    foldLeading('sum', kernels(), x, out);
    return out;
  }
  const axes: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    if (d < lead) {
      axes.push(d);
      continue;
    }
    const want = shape[d - lead]!;
    const have = x.shape[d]!;
    if (want === have) continue;
    if (want !== 1) fail('sumTo', `cannot sum shape ${fmtShape(x.shape)} to ${fmtShape(shape)} (axis ${d}: ${have} vs ${want})`);
    axes.push(d);
  }
  return reshape(reduceSum(x, axes, true, 'sumTo'), shape);
}
