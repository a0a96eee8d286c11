import type { MatrixOperand, MatrixOutput } from './types.js';

/** C = A·B (or C += A·B) over arbitrary strides; see `Backend.gemm`. */
export function gemm(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand,
  C: MatrixOutput, accumulate: boolean): void {
  const c = C.data, co = C.offset, cr = C.rowStride;
  if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, co + i * cr, co + i * cr + n);
  if (m === 0 || n === 0 || k === 0) return;
  if (B.colStride === 1) gemmRowsB(m, n, k, A, B, C);
  else if (B.rowStride === 1 && A.colStride === 1) gemmDot(m, n, k, A, B, C);
  else gemmStrided(m, n, k, A, B, C);
}

const KB = 128;

// B's rows are contiguous: i-k-j streams rows of B and C; k is blocked so the B panel stays in cache.
function gemmRowsB(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const a = A.data, ao = A.offset, ar = A.rowStride, ac = A.colStride;
  const b = B.data, bo = B.offset, br = B.rowStride;
  const c = C.data, co = C.offset, cr = C.rowStride;
  for (let k0 = 0; k0 < k; k0 += KB) {
    const k1 = Math.min(k, k0 + KB);
    for (let i = 0; i < m; i++) {
      const ci = co + i * cr;
      for (let p = k0; p < k1; p++) {
        const aip = a[ao + i * ar + p * ac]!;
        const bp = bo + p * br;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j]!;
      }
    }
  }
}

// B's columns are contiguous (a transposed view) and so are A's rows: each C element is a dot product
// of two contiguous runs.
function gemmDot(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const a = A.data, ao = A.offset, ar = A.rowStride;
  const b = B.data, bo = B.offset, bc = B.colStride;
  const c = C.data, co = C.offset, cr = C.rowStride;
  for (let i = 0; i < m; i++) {
    const ai = ao + i * ar;
    for (let j = 0; j < n; j++) {
      const bj = bo + j * bc;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
      c[co + i * cr + j] += s;
    }
  }
}

function gemmStrided(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const a = A.data, ao = A.offset, ar = A.rowStride, ac = A.colStride;
  const b = B.data, bo = B.offset, br = B.rowStride, bc = B.colStride;
  const c = C.data, co = C.offset, cr = C.rowStride;
  for (let i = 0; i < m; i++) {
    const ci = co + i * cr;
    for (let p = 0; p < k; p++) {
      const aip = a[ao + i * ar + p * ac]!;
      const bp = bo + p * br;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j * bc]!;
    }
  }
}
