import type { Tensor } from '@actgrad/tensor';

/** `t` itself when row-major (offset anywhere), else a row-major copy: kernels then index data[offset + i]. */
export function contig(t: Tensor): Tensor {
  return t.isContiguous() ? t : t.contiguous();
}

// Defined once, in @actgrad/tensor; re-exported so the ops here import them from one place.
export { fmtShape, normalizeAxis, sameShape } from '@actgrad/tensor';

/** Steps a row-major index odometer over `shape` by one element (the last axis moves fastest). */
export function nextIndex(counter: number[], shape: readonly number[]): void {
  for (let d = shape.length - 1; d >= 0; d--) {
    if (++counter[d] < shape[d]) return;
    counter[d] = 0;
  }
}
