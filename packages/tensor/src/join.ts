import { copyStrided } from './elementwise.js';
import { fail, failType, fmtShape, normalizeAxis } from './errors.js';
import { allocTensor } from './storage.js';
import { Tensor } from './tensor.js';
import { slice, unsqueeze } from './views.js';
import type { SliceSpec } from './tensor.js';

function checkList(op: string, xs: readonly Tensor[]): void {
  if (!Array.isArray(xs) || xs.length === 0) fail(op, 'expected a non-empty array of tensors');
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) failType(op, `element ${i} is not a Tensor`);
    if (x.dtype !== xs[0]!.dtype) failType(op, `dtypes ${xs[0]!.dtype} and ${x.dtype} differ (element ${i}; cast with astype)`);
  });
}

/** Joins tensors along an existing axis; all other sizes must agree. The result is a copy. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  checkList('concat', xs);
  const first = xs[0]!;
  const a = normalizeAxis('concat', axis, first.ndim);
  const shape = first.shape.slice();
  shape[a] = 0;
  xs.forEach((x, i) => {
    const ok = x.ndim === first.ndim && x.shape.every((n, d) => d === a || n === first.shape[d]);
    if (!ok) fail('concat', `shapes ${fmtShape(first.shape)} and ${fmtShape(x.shape)} (element ${i}) differ outside axis ${axis}`);
    shape[a] += x.shape[a]!;
  });
  const out = allocTensor(shape, first.dtype);
  const specs: SliceSpec[] = new Array<SliceSpec>(a + 1).fill(null);
  let at = 0;
  for (const x of xs) {
    specs[a] = [at, at + x.shape[a]!];
    copyStrided(x, slice(out, ...specs));
    at += x.shape[a]!;
  }
  return out;
}

/** Joins tensors of one shape along a new axis. The result is a copy. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  checkList('stack', xs);
  const first = xs[0]!;
  const a = normalizeAxis('stack', axis, first.ndim + 1);
  xs.forEach((x, i) => {
    if (x.ndim !== first.ndim || x.shape.some((n, d) => n !== first.shape[d])) {
      fail('stack', `shapes ${fmtShape(first.shape)} and ${fmtShape(x.shape)} (element ${i}) differ`);
    }
  });
  return concat(xs.map((x) => unsqueeze(x, a)), a);
}
