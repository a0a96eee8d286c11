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

/** Elementwise unary kernels (`copy` moves data between layouts). */
export type UnaryOp =
  | 'copy' | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign' | 'square' | 'reciprocal'
  | 'tanh' | 'sigmoid' | 'log1p' | 'expm1' | 'relu';

/** Elementwise activations a backend may run natively; autograd's own loops are the reference. */
export type ActivationOp = 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'selu' | 'gelu' | 'silu' | 'softplus';

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
  /**
   * Optional: a[i] = f(s[i]) for `n` contiguous elements of activation `op` (`alpha` is leaky ReLU's
   * or ELU's α). Returns false without touching anything when it cannot run on these arrays
   * (dtype, storage, length); the caller then runs its reference loop.
   */
  activationForward?(op: ActivationOp, n: number, s: FloatArray, sOff: number, a: FloatArray, aOff: number,
    alpha: number): boolean;
  /**
   * Optional: dx[i] = g[i]·f'(·) over `n` contiguous elements, where `saved` is the output a for
   * sigmoid, tanh and ELU and the input s for the others (SELU, the ReLU family, GELU, SiLU, softplus). Returns false as `activationForward` does.
   */
  activationBackward?(op: ActivationOp, n: number, g: FloatArray, gOff: number, saved: FloatArray, savedOff: number,
    dx: FloatArray, dxOff: number, alpha: number): boolean;
  /**
   * Optional: softmax over each of `rows` contiguous rows of `len` elements (s and a from `sOff`,
   * `aOff`). Returns false as `activationForward` does.
   */
  softmaxRows?(rows: number, len: number, s: FloatArray, sOff: number, a: FloatArray, aOff: number): boolean;
  /** Optional: dx = a ⊙ (g − Σ_j g_j a_j) per contiguous row. Returns false as `activationForward` does. */
  softmaxRowsBackward?(rows: number, len: number, g: FloatArray, gOff: number, a: FloatArray, aOff: number,
    dx: FloatArray, dxOff: number): boolean;
  /** Optional: y = log softmax(s) over each of `rows` contiguous rows of `len`. Returns false as `activationForward` does. */
  logSoftmaxRows?(rows: number, len: number, s: FloatArray, sOff: number, y: FloatArray, yOff: number): boolean;
  /** Optional: dx = g − e^y·Σ_j g_j per contiguous row, from the output y. Returns false as `activationForward` does. */
  logSoftmaxRowsBackward?(rows: number, len: number, g: FloatArray, gOff: number, y: FloatArray, yOff: number,
    dx: FloatArray, dxOff: number): boolean;
  /**
   * Optional: PReLU over `n` contiguous elements viewed as [outer, channels, inner] (element i has slope
   * `alpha[alphaOff + ⌊i/inner⌋ mod channels]`): out[i] = v[i] where s[i] ≥ 0, α·v[i] elsewhere. With
   * v = s it is the forward, with v = g the input's gradient. Returns false as `activationForward` does.
   */
  prelu?(n: number, channels: number, inner: number, v: FloatArray, vOff: number, s: FloatArray, sOff: number,
    alpha: FloatArray, alphaOff: number, out: FloatArray, outOff: number): boolean;
  /** Optional: dAlpha[c] = Σ g·s over the s < 0 of channel c (layout as `prelu`). Returns false as `activationForward` does. */
  preluAlphaGrad?(n: number, channels: number, inner: number, g: FloatArray, gOff: number, s: FloatArray, sOff: number,
    dAlpha: FloatArray, dAlphaOff: number): boolean;
  /** out[i] = cond[i] ≠ 0 ? a[i] : b[i]. */
  where(n: number, cond: FloatArray, cOff: number, cStride: number,
    a: FloatArray, aOff: number, aStride: number, b: FloatArray, bOff: number, bStride: number,
    out: FloatArray, outOff: number, outStride: number): void;
}

/**
 * The constants of one Adam step (bias correction folded in, as PyTorch does):
 * g' = g + l2·w; m ← b1·m + a1·g'; v ← b2·v + a2·g'²; w ← w·shrink − stepSize·m / (√v·invSqrtC2 + eps).
 */
export interface AdamStep {
  b1: number; b2: number; a1: number; a2: number;
  stepSize: number; invSqrtC2: number; eps: number; l2: number; shrink: number;
}

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
  /**
   * Optional fused Adam step over `n` contiguous elements of w, g, m and v (m and v from
   * offset `mo`/`vo`), computed in double and rounded on store like a plain loop would.
   * Returns false without touching anything when it cannot run on these arrays; the
   * caller then runs its own loop.
   */
  adam?(n: number, w: FloatArray, wo: number, g: FloatArray, go: number,
    m: FloatArray, mo: number, v: FloatArray, vo: number, step: AdamStep): boolean;
}
