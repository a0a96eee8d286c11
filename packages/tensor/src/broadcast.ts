import { kernels } from './backend/index.js';
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
