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

/** Elementwise binary kernels; comparisons give 1 or 0. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/**
 * Elementwise unary kernels (`copy` moves data between layouts). `tanh`, `sigmoid` and `relu` are
 * kernel primitives only: the activations, with their NaN and kink conventions, live in @actgrad/autograd.
 */
export type UnaryOp =
  | 'copy' | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign' | 'square' | 'reciprocal'
  | 'tanh' | 'sigmoid' | 'log1p' | 'expm1' | 'relu';

/** Reductions a backend folds along one strided row. */
export type ReduceOp = 'sum' | 'max' | 'min';

/**
 * The strided elementwise and reduction loops. Every kernel walks `n` elements:
 * operand element `i` is at `offset + i * stride`; a stride of 0 repeats one element
 * (broadcasting). Output and inputs share one dtype.
 */
export interface ElementwiseKernels {
  /** out[i] = a[i] op b[i]. */
  binary(op: BinaryOp, n: number,
    a: FloatArray, aOff: number, aStride: number,
    b: FloatArray, bOff: number, bStride: number,
    out: FloatArray, outOff: number, outStride: number): void;
  /** out[i] = a[i] op s, or s op a[i] when `scalarFirst`. */
  binaryScalar(op: BinaryOp, n: number,
    a: FloatArray, aOff: number, aStride: number, s: number, scalarFirst: boolean,
    out: FloatArray, outOff: number, outStride: number): void;
  /** out[i] = op(x[i]). */
  unary(op: UnaryOp, n: number, x: FloatArray, xOff: number, xStride: number,
    out: FloatArray, outOff: number, outStride: number): void;
  /** out[i] = min(max(x[i], lo), hi). */
  clamp(n: number, x: FloatArray, xOff: number, xStride: number, lo: number, hi: number,
    out: FloatArray, outOff: number, outStride: number): void;
  /** y[i] += alpha · x[i]. */
  axpy(n: number, alpha: number, x: FloatArray, xOff: number, xStride: number,
    y: FloatArray, yOff: number, yStride: number): void;
  /**
   * A row broadcast over a contiguous [rows, n] matrix in one call: out row r = a row r op b row r,
   * rows n apart in out; an operand's row step (n, or 0 for the one row it broadcasts) moves it.
   */
  binaryRows(op: BinaryOp, rows: number, n: number, a: FloatArray, aOff: number, aStep: number,
    b: FloatArray, bOff: number, bStep: number, out: FloatArray, outOff: number): void;
  /** Column sums in one call: out[j] += Σ_r x[xOff + r·n + j], rows added in order (a bias gradient). */
  sumRows(rows: number, n: number, x: FloatArray, xOff: number, out: FloatArray, outOff: number): void;
  /**
   * Folds x into out: with `outStride` 0 the whole row folds into `out[outOff]`,
   * otherwise out[i] = op(out[i], x[i]).
   */
  reduce(op: ReduceOp, n: number, x: FloatArray, xOff: number, xStride: number,
    out: FloatArray, outOff: number, outStride: number): void;
  /**
   * The inner sum of a stable log-sum-exp: out[i] += exp(x[i] − shift[i]), where shift is read
   * with out's stride; with `outStride` 0, out[outOff] += Σ exp(x[i] − shift[shiftOff]).
   */
  expSum(n: number, x: FloatArray, xOff: number, xStride: number, shift: FloatArray, shiftOff: number,
    out: FloatArray, outOff: number, outStride: number): void;
  /** Index of the first maximum of x[0..n) (a NaN counts as the maximum). */
  argmax(n: number, x: FloatArray, xOff: number, xStride: number): number;
  /** out[i] = cond[i] ≠ 0 ? a[i] : b[i]. */
  where(n: number, cond: FloatArray, cOff: number, cStride: number,
    a: FloatArray, aOff: number, aStride: number, b: FloatArray, bOff: number, bStride: number,
    out: FloatArray, outOff: number, outStride: number): void;
}

/**
 * A kernel a backend offers under a string id, for work this package knows nothing about
 * (an activation's loop, an optimizer's step). The layer above owns the id and the meaning of
 * the arguments, asks with `getKernel(id)`, and runs its own reference loop when the backend
 * has no such kernel or the kernel answers false: a kernel returns false, touching nothing,
 * when it cannot run on the arrays it was given (dtype, storage, length).
 */
export type NamedKernel = (...args: never[]) => boolean;

/**
 * The seam between tensor operations and the loops that do the arithmetic.
 * Callers validate shapes and dtypes; a backend trusts its arguments and keeps
 * its inner loops check-free. A backend may implement only some kernels and
 * delegate the rest to the reference (pure TypeScript) backend: the optional
 * `kernels` members that are absent are taken from it.
 */
export interface Backend {
  readonly name: string;
  /** Zero-filled storage of `length` elements. Backends may hand out memory they can read in place. */
  alloc(dtype: DType, length: number): FloatArray;
  /** C = A·B, or C += A·B when `accumulate`; A is m×k, B is k×n, C is m×n; all share one dtype. */
  gemm(m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, c: MatrixOutput, accumulate: boolean): void;
  /** Elementwise and reduction loops; any kernel left out falls back to the `js` backend's. */
  kernels?: Partial<ElementwiseKernels>;
  /** Named kernels (see {@link NamedKernel}); ids are chosen by the packages that call them. */
  named?: ReadonlyMap<string, NamedKernel>;
}
