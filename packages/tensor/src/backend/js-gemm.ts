import type { FloatArray } from '../dtype.js';
import type { MatrixOperand, MatrixOutput } from './types.js';

// Pure-TypeScript gemm. Large products follow the GotoBLAS/BLIS scheme: B is copied ("packed")
// in KC×NC blocks and A in MC×KC blocks into Float64Array scratch laid out in the order the
// micro-kernel reads them, so any strides (transposed, sliced, reversed operands) cost one
// O(n²) copy and the O(n³) loop always streams contiguous memory. The 4×4 micro-kernel keeps
// 16 sums of C in locals: 8 loads per 16 multiply-adds, where an i-k-j loop does 3 memory
// operations per multiply-add. KC·4 doubles of A and of B (4 KiB each) stay in L1; the MC×KC
// block of A (64 KiB) in L2. Float32 inputs are summed in double, then rounded once.

const MR = 4;
const NR = 4;
const KC = 128;
const MC = 64;
const NC = 256;
/** Below this many multiply-adds, packing costs more than it saves. */
const PACK_THRESHOLD = 32768;
/** With fewer steps along k, the micro-kernel's fixed cost (16 stores) outweighs its loop. */
const MIN_PACKED_K = 8;

const packA = new Float64Array(MC * KC);
const packB = new Float64Array(KC * NC);
const edge = new Float64Array(MR * NR);

/** C = A·B (or C += A·B) over arbitrary strides; see `Backend.gemm`. */
export function gemm(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand,
  C: MatrixOutput, accumulate: boolean): void {
  const c = C.data, co = C.offset, cr = C.rowStride;
  if (!accumulate) {
    if (cr === n) c.fill(0, co, co + m * n);
    else for (let i = 0; i < m; i++) c.fill(0, co + i * cr, co + i * cr + n);
  }
  if (m === 0 || n === 0 || k === 0) return;
  const small = m * n * k < PACK_THRESHOLD;
  if (n >= NR && (m >= MR || small)) {
    if (m >= MR && k >= MIN_PACKED_K && !small) gemmPacked(m, n, k, A, B, C);
    else gemmTiles(m, n, k, A, B, C);
  } else if (B.colStride === 1 && n >= NR) gemmRowsB(m, n, k, A, B, C);
  else gemmDot(m, n, k, A, B, C);
}

function gemmPacked(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const c = C.data, co = C.offset, cr = C.rowStride;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packPanelsB(B, p0, kc, j0, nc);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packPanelsA(A, i0, mc, p0, kc);
        for (let jp = 0; jp < nc; jp += NR) {
          const nr = Math.min(NR, nc - jp);
          const bi = jp * kc;
          for (let ip = 0; ip < mc; ip += MR) {
            const mr = Math.min(MR, mc - ip);
            kernel4x4(kc, packA, ip * kc, packB, bi, c, co + (i0 + ip) * cr + j0 + jp, cr, mr, nr);
          }
        }
      }
    }
  }
}

// Rows i0..i0+mc of A, columns p0..p0+kc, as panels of MR rows: panel[p][r]; short panels are
// zero-padded so the kernel never branches.
function packPanelsA(A: MatrixOperand, i0: number, mc: number, p0: number, kc: number): void {
  const a = A.data, ar = A.rowStride, ac = A.colStride;
  
  const pa = packA;
  let w = 0;
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = Math.min(MR, mc - ip);
    const base = A.offset + (i0 + ip) * ar + p0 * ac;
    if (rows === MR) {
      for (let p = 0, s = base; p < kc; p++, s += ac, w += MR) {
        pa[w] = a[s]!;
        pa[w + 1] = a[s + ar]!;
        pa[w + 2] = a[s + 2 * ar]!;
        pa[w + 3] = a[s + 3 * ar]!;
      }
    } else {
      for (let p = 0, s = base; p < kc; p++, s += ac, w += MR) {
        for (let r = 0; r < MR; r++) pa[w + r] = r < rows ? a[s + r * ar]! : 0;
      }
    }
  }
}

// Rows p0..p0+kc of B, columns j0..j0+nc, as panels of NR columns: panel[p][q].
function packPanelsB(B: MatrixOperand, p0: number, kc: number, j0: number, nc: number): void {
  const b = B.data, br = B.rowStride, bc = B.colStride;
  const pb = packB;
  let w = 0;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = Math.min(NR, nc - jp);
    const base = B.offset + p0 * br + (j0 + jp) * bc;
    if (cols === NR) {
      for (let p = 0, s = base; p < kc; p++, s += br, w += NR) {
        pb[w] = b[s]!;
        pb[w + 1] = b[s + bc]!;
        pb[w + 2] = b[s + 2 * bc]!;
        pb[w + 3] = b[s + 3 * bc]!;
      }
    } else {
      for (let p = 0, s = base; p < kc; p++, s += br, w += NR) {
        for (let q = 0; q < NR; q++) pb[w + q] = q < cols ? b[s + q * bc]! : 0;
      }
    }
  }
}

// C[0..mr, 0..nr] += Apanel · Bpanel over kc steps.
function kernel4x4(kc: number, pa: Float64Array, ai: number, pb: Float64Array, bi: number,
  c: FloatArray, co: number, cr: number, mr: number, nr: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ai += MR, bi += NR) {
    const b0 = pb[bi]!, b1 = pb[bi + 1]!, b2 = pb[bi + 2]!, b3 = pb[bi + 3]!;
    let a = pa[ai]!;
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = pa[ai + 1]!;
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = pa[ai + 2]!;
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = pa[ai + 3]!;
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
  }
  if (mr === MR && nr === NR) {
    let o = co;
    c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += cr;
    c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += cr;
    c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += cr;
    c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    return;
  }
  const t = edge;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) c[co + i * cr + j] += t[i * NR + j]!;
}

// Products too small to repay packing (a 32×16·16×16 layer of a small MLP): the same 4×4
// register tile, reading A and B in place through their strides. It sums over k in the same
// order as the packed kernel, so both give the same bits.
function gemmTiles(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const a = A.data, ao = A.offset, ar = A.rowStride, ac = A.colStride;
  const b = B.data, bo = B.offset, br = B.rowStride, bc = B.colStride;
  const c = C.data, co = C.offset, cr = C.rowStride;
  const m4 = m - (m % MR), n4 = n - (n % NR);
  const ar2 = 2 * ar, ar3 = 3 * ar, bc2 = 2 * bc, bc3 = 3 * bc;
  for (let i = 0; i < m4; i += MR) {
    for (let j = 0; j < n4; j += NR) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ia = ao + i * ar, ib = bo + j * bc; p < k; p++, ia += ac, ib += br) {
        const b0 = b[ib]!, b1 = b[ib + bc]!, b2 = b[ib + bc2]!, b3 = b[ib + bc3]!;
        let x = a[ia]!;
        c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
        x = a[ia + ar]!;
        c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
        x = a[ia + ar2]!;
        c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
        x = a[ia + ar3]!;
        c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
      }
      let o = co + i * cr + j;
      c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += cr;
      c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += cr;
      c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += cr;
      c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    }
  }
  // The right columns beside the tiles, then the bottom rows under them.
  if (n4 < n) dotRange(0, m4, n4, n, k, A, B, C);
  if (m4 < m) rowTiles(m4, m, n, k, A, B, C);
}

// Rows i0..i1 of C in 1×4 tiles (the rows left under the 4×4 tiles, or a product of 1 to 3 rows).
function rowTiles(i0: number, i1: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const a = A.data, ao = A.offset, ar = A.rowStride, ac = A.colStride;
  const b = B.data, bo = B.offset, br = B.rowStride, bc = B.colStride;
  const c = C.data, co = C.offset, cr = C.rowStride;
  const n4 = n - (n % NR);
  const bc2 = 2 * bc, bc3 = 3 * bc;
  for (let i = i0; i < i1; i++) {
    for (let j = 0; j < n4; j += NR) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0, ia = ao + i * ar, ib = bo + j * bc; p < k; p++, ia += ac, ib += br) {
        const x = a[ia]!;
        c0 += x * b[ib]!; c1 += x * b[ib + bc]!; c2 += x * b[ib + bc2]!; c3 += x * b[ib + bc3]!;
      }
      const o = co + i * cr + j;
      c[o] += c0; c[o + 1] += c1; c[o + 2] += c2; c[o + 3] += c3;
    }
  }
  if (n4 < n) dotRange(i0, i1, n4, n, k, A, B, C);
}

// Small products. B's rows are contiguous: i-k-j streams rows of B and C.
function gemmRowsB(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const a = A.data, ao = A.offset, ar = A.rowStride, ac = A.colStride;
  const b = B.data, bo = B.offset, br = B.rowStride;
  const c = C.data, co = C.offset, cr = C.rowStride;
  for (let i = 0; i < m; i++) {
    const ci = co + i * cr;
    for (let p = 0; p < k; p++) {
      const aip = a[ao + i * ar + p * ac]!;
      const bp = bo + p * br;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j]!;
    }
  }
}

// Small products otherwise (few columns, or strided B): one dot product per element of C.
function gemmDot(m: number, n: number, k: number, A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  dotRange(0, m, 0, n, k, A, B, C);
}

// C[i0..i1, j0..j1] += A[i0..i1, :]·B[:, j0..j1], one double-precision dot per element.
function dotRange(i0: number, i1: number, j0: number, j1: number, k: number,
  A: MatrixOperand, B: MatrixOperand, C: MatrixOutput): void {
  const a = A.data, ao = A.offset, ar = A.rowStride, ac = A.colStride;
  const b = B.data, bo = B.offset, br = B.rowStride, bc = B.colStride;
  const c = C.data, co = C.offset, cr = C.rowStride;
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let p = 0, ia = ao + i * ar, ib = bo + j * bc; p < k; p++, ia += ac, ib += br) s += a[ia]! * b[ib]!;
      c[co + i * cr + j] += s;
    }
  }
}
