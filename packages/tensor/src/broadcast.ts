import { kernels } from './backend/index.js';
import { prepareOut } from './elementwise.js';
import { copyInto } from './inplace.js';
import { fail, fmtShape } from './errors.js';
import { isTrailing, sameShape } from './shape.js';
import { foldLeading, reduceSum } from './reduce.js';
import { allocTensor } from './storage.js';
import type { Tensor } from './tensor.js';
import { reshape } from './views.js';

// Shape arithmetic lives in broadcast-shape.ts, which elementwise.ts needs without this file's reductions.
export { broadcastShapes, broadcastStrides } from './broadcast-shape.js';

/**
 * Sums `x` down to `shape`, which must broadcast to `x.shape`: the adjoint of `expand`,
 * used to reduce a gradient to the shape of a broadcast operand. Returns `x` itself when the
 * shapes already agree, unless `out` (contiguous, of `shape` and x's dtype) is given: then the
 * sum is written there and `out` returned.
 */
export function sumTo(x: Tensor, shape: readonly number[], out?: Tensor): Tensor {
  if (out !== undefined) prepareOut('sumTo', out, shape, x.dtype);
  if (sameShape(x.shape, shape)) return out === undefined ? x : copyInto(out, x);
  const lead = x.ndim - shape.length;
  if (lead < 0) fail('sumTo', `cannot sum shape ${fmtShape(x.shape)} to ${fmtShape(shape)} (more axes)`);
  // A bias gradient ([rows, n] to [n]): fold the rows straight into the result, without the
  // general reduction's axis plan and reshape, which add ~30% to a call at this size.
  if (lead > 0 && x.isContiguous() && x.size > 0 && isTrailing(shape, x.shape)) {
    let o: Tensor;
    if (out === undefined) o = allocTensor(shape, x.dtype, true);
    else {
      o = out;
      o.data.fill(0, o.offset, o.offset + o.size);
    }
    foldLeading('sum', kernels(), x, o);
    return o;
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
  const summed = reshape(reduceSum(x, axes, true, 'sumTo'), shape);
  return out === undefined ? summed : copyInto(out, summed);
}
