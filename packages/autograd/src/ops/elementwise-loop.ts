import type { Tensor } from '@actgrad/tensor';

/** `t` itself when row-major (offset anywhere), else a row-major copy: kernels then index data[offset + i]. */
export function contig(t: Tensor): Tensor {
  return t.isContiguous() ? t : t.contiguous();
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
