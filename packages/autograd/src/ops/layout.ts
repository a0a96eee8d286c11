import type { Tensor } from '@actgrad/tensor';

/** `t` itself when row-major (offset anywhere), else a row-major copy: kernels then index data[offset + i]. */
export function contig(t: Tensor): Tensor {
  return t.isContiguous() ? t : t.contiguous();
}

/** `[2,3]`, the way error messages print shapes. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** `axis` (negative counts from the end) as an index into `ndim` axes; out of range throws naming the op. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(`${op}: axis ${axis} out of range for ${ndim}-D input`);
  }
  return axis < 0 ? axis + ndim : axis;
}
