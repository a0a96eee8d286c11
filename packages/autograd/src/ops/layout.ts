import type { Tensor } from '@actgrad/tensor';

/** `t` itself when row-major (offset anywhere), else a row-major copy: kernels then index data[offset + i]. */
export function contig(t: Tensor): Tensor {
  return t.isContiguous() ? t : t.contiguous();
}

/** `[2,3]`, the way error messages print shapes. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
