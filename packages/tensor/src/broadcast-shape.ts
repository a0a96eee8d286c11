import { fail, fmtShape } from './errors.js';
import type { Tensor } from './tensor.js';

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
