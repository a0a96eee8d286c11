import type { DType, FloatArray } from '../dtype.js';

/**
 * A 2-D operand of a matrix product: element (i, j) lives at
 * `data[offset + i * rowStride + j * colStride]`. Transposed and sliced views
 * are expressed through the strides, so no kernel ever needs a copy first.
 */
export interface MatrixOperand {
  data: FloatArray;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** The output of a matrix product: rows of `n` contiguous elements. */
export interface MatrixOutput {
  data: FloatArray;
  offset: number;
  rowStride: number;
}

/**
 * The seam between tensor operations and the loops that do the arithmetic.
 * Callers validate shapes and dtypes; a backend trusts its arguments and keeps
 * its inner loops check-free. A backend may implement only some kernels and
 * delegate the rest to the reference (pure TypeScript) backend.
 */
export interface Backend {
  readonly name: string;
  /** Zero-filled storage of `length` elements. Backends may hand out memory they can read in place. */
  alloc(dtype: DType, length: number): FloatArray;
  /** C = A·B, or C += A·B when `accumulate`; A is m×k, B is k×n, C is m×n; all share one dtype. */
  gemm(m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, c: MatrixOutput, accumulate: boolean): void;
}
