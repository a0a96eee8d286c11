import { kernels } from './backend/index.js';
import { broadcastShapes, broadcastStrides } from './broadcast-shape.js';
import { copyStrided, checkTensor } from './elementwise.js';
import { fail, failType, fmtShape } from './errors.js';
import { forEachRow, sameShape } from './shape.js';
import type { Tensor } from './tensor.js';

// Optimizer updates write into existing storage: no allocation, any target view that does
// not alias itself (a broadcast view, stride 0, would add into one element many times).

function checkTarget(op: string, target: Tensor): void {
  checkTensor(op, target, 'target');
  for (let d = 0; d < target.ndim; d++) {
    if (target.strides[d] === 0 && target.shape[d]! > 1) {
      fail(op, `target of shape ${fmtShape(target.shape)} is a broadcast view (stride 0 on axis ${d}); write into its storage instead`);
    }
  }
}

function checkSource(op: string, target: Tensor, x: Tensor): void {
  checkTensor(op, x, 'source');
  if (x.dtype !== target.dtype) failType(op, `dtypes ${target.dtype} and ${x.dtype} differ (cast one with astype)`);
  // The optimizer's case, every parameter every step: equal shapes need no broadcast check.
  if (sameShape(x.shape, target.shape)) return;
  const shape = broadcastShapes(target.shape, x.shape, op);
  if (!sameShape(shape, target.shape)) {
    fail(op, `source of shape ${fmtShape(x.shape)} does not broadcast to target shape ${fmtShape(target.shape)}`);
  }
}

/** target += alpha · x (x broadcast to target's shape). Returns target. */
export function addScaled(target: Tensor, x: Tensor, alpha = 1): Tensor {
  checkTarget('addScaled', target);
  checkSource('addScaled', target, x);
  if (typeof alpha !== 'number') failType('addScaled', `alpha must be a number, got ${typeof alpha}`);
  const k = kernels();
  if (target.isContiguous() && x.isContiguous() && sameShape(target.shape, x.shape)) {
    k.axpy(target.size, alpha, x.data, x.offset, 1, target.data, target.offset, 1);
    return target;
  }
  forEachRow(target.shape, [broadcastStrides(x, target.shape), target.strides], [x.offset, target.offset], (n, off, st) => {
    k.axpy(n, alpha, x.data, off[0]!, st[0]!, target.data, off[1]!, st[1]!);
  });
  return target;
}

/** target *= alpha. Returns target. */
export function scaleInPlace(target: Tensor, alpha: number): Tensor {
  checkTarget('scaleInPlace', target);
  if (typeof alpha !== 'number') failType('scaleInPlace', `alpha must be a number, got ${typeof alpha}`);
  const k = kernels();
  if (target.isContiguous()) {
    k.binaryScalar('mul', target.size, target.data, target.offset, 1, alpha, false, target.data, target.offset, 1);
    return target;
  }
  forEachRow(target.shape, [target.strides], [target.offset], (n, off, st) => {
    k.binaryScalar('mul', n, target.data, off[0]!, st[0]!, alpha, false, target.data, off[0]!, st[0]!);
  });
  return target;
}

/** Sets every element of target to value. Returns target. */
export function fill(target: Tensor, value: number): Tensor {
  checkTarget('fill', target);
  if (typeof value !== 'number') failType('fill', `value must be a number, got ${typeof value}`);
  const data = target.data;
  if (target.isContiguous()) {
    data.fill(value, target.offset, target.offset + target.size);
    return target;
  }
  forEachRow(target.shape, [target.strides], [target.offset], (n, off, st) => {
    const s = st[0]!;
    if (s === 1) data.fill(value, off[0]!, off[0]! + n);
    else for (let i = 0, j = off[0]!; i < n; i++, j += s) data[j] = value;
  });
  return target;
}

/** Copies src (broadcast to target's shape) into target. Returns target. */
export function copyInto(target: Tensor, src: Tensor): Tensor {
  checkTarget('copyInto', target);
  checkSource('copyInto', target, src);
  copyStrided(src, target);
  return target;
}
