// C = A·B (or C += A·B) in f32, over operands with arbitrary element strides.
//
// Blocking follows the GotoBLAS/BLIS scheme: a KC×NC block of B is packed
// into 8-column panels (zero-padded, so edge panels need no special loads),
// then an MR×8 register tile of C is computed per panel: 5×8 in the FMA module
// (gemm-kernel-fma.ts), 4×8 in the plain one. Narrow products read row-major A
// in place (4 rows a tile): a 4-row micro-panel is only KC·4 floats, it stays
// in L1 while the packed B panels stream by, and skipping its copy saves a pass
// over A that small batches cannot amortise. Any other A (transposed, strided
// columns, and in the FMA module row-major A once C is 32 wide) is packed into
// MR-row panels first: read in place, a power-of-two row stride maps every k
// step to the same L1 set and the panel thrashes.
//
// The plain 4×8 tile keeps 8 f32x4 accumulators, 2 B vectors and 4 A splats
// live: 14 of the 16 vector registers V8 has on x64. Wider tiles spill.
//
// Pointers are byte addresses into linear memory; strides are in elements and
// may be negative (wrapping u32 arithmetic gives the right address).

import { microKernelFma } from './gemm-kernel-fma';
import { MR, NR, packPanelsA, packPanelsB } from './gemm-pack';
import { storeTile } from './gemm-store';
// A KC×NR panel of packed B (8 KB) stays in L1 (32 KB on Zen 4, 48 KB on recent
// Xeons) while MC/4 packed A panels (128 KB together) stream from L2 (1 MB on
// Zen 4, 2 MB on Xeons); the KC×NC block of B (512 KB) streams from L2/L3.
// Measured on Zen 4 against KC/NC/MC = 256/1024/128, 128/1024/128, 256/256/128,
// 256/512/64, 256/512/256, 384/512/128, 512/256/64 and 128/512/128 at n = 256,
// 512, 768, 1024 and W2's two large products: none beat these beyond the noise
// of a shared machine, and smaller blocks only add passes over C and repacking.
const KC: i32 = 256;
const NC: i32 = 512;
// The FMA module's 5-row tiles: a block of 120 rows is 24 whole tiles.
const MC: i32 = ASC_FEATURE_RELAXED_SIMD ? 120 : 128;


/** Rows of the register tile: a row block that is a multiple of it has no edge tile. */
export function gemmTileRows(): i32 {
  return MR;
}

/** Bytes of scratch one thread needs for `gemm`: the packed B and A blocks plus one C tile. */
export function gemmScratchBytes(): i32 {
  return KC * NC * 4 + MC * KC * 4 + MR * NR * 4;
}

/**
 * Packs columns [j0, j1) of B[k×n] (j0 a multiple of 8) into `dst`, laid out
 * as `gemm` packs its blocks: for each NC-wide block of columns, for each KC
 * block of rows, the block's 8-column panels. Threads that split a product by
 * rows pack B once, each a range of its panels, and all read it with
 * `gemmPackedB`: every row block would otherwise pack the whole of B again.
 */
export function gemmPackB(k: i32, n: i32, b: usize, bRs: i32, bCs: i32, dst: usize, j0: i32, j1: i32): void {
  j1 = min(j1, n);
  for (let jc = j0 - j0 % NC; jc < j1; jc += NC) {
    const nc = min(NC, n - jc);
    const lo = max(j0, jc), hi = min(j1, jc + nc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const at = dst + <usize>(jc * k + pc * roundPanels(nc) + (lo - jc) * kc) * 4;
      packPanelsB(kc, hi - lo, b + <usize>(pc * bRs + lo * bCs) * 4, bRs, bCs, at);
    }
  }
}

/**
 * C[m×n] (row stride `cRs`, contiguous rows) = A[m×k]·B[k×n], or += when
 * `accumulate` is non-zero. `scratch` must hold `gemmScratchBytes()` bytes
 * (16-byte aligned) owned by the calling thread.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, aRs: i32, aCs: i32,
  b: usize, bRs: i32, bCs: i32,
  c: usize, cRs: i32,
  accumulate: i32, scratch: usize,
): void {
  blocked(m, n, k, a, aRs, aCs, b, bRs, bCs, 0, c, cRs, accumulate, scratch);
}

/** `gemm` with B already packed by `gemmPackB` at `packed` (all of its columns). */
export function gemmPackedB(
  m: i32, n: i32, k: i32,
  a: usize, aRs: i32, aCs: i32,
  packed: usize, c: usize, cRs: i32,
  accumulate: i32, scratch: usize,
): void {
  blocked(m, n, k, a, aRs, aCs, 0, 0, 0, packed, c, cRs, accumulate, scratch);
}

// @ts-ignore: decorator
@inline
function roundPanels(n: i32): i32 {
  return (n + NR - 1) & ~(NR - 1);
}

// @ts-ignore: decorator
@inline
function blocked(
  m: i32, n: i32, k: i32,
  a: usize, aRs: i32, aCs: i32,
  b: usize, bRs: i32, bCs: i32, packed: usize,
  c: usize, cRs: i32,
  accumulate: i32, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) {
      for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * cRs) * 4, 0, <usize>n * 4);
    }
    return;
  }
  const packA = scratch + <usize>(KC * NC * 4);
  const tile = packA + <usize>(MC * KC * 4);
  // The FMA kernel reads packed A through constant offsets; once C is 32 wide the packing pays
  // (W2's 128×784 · 784×256: 34 against 29 GFLOP/s per CPU second, median of 5 alternating runs).
  let directA = aCs == 1;
  if (ASC_FEATURE_RELAXED_SIMD) directA = directA && n < 32;
  const aRsB = aRs * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      let packB = scratch;
      if (packed) packB = packed + <usize>(jc * k + pc * roundPanels(nc)) * 4;
      else packPanelsB(kc, nc, b + <usize>(pc * bRs + jc * bCs) * 4, bRs, bCs, packB);
      const overwrite = pc == 0 && !accumulate;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (!directA) packPanelsA(mc, kc, a + <usize>(ic * aRs + pc * aCs) * 4, aRs, aCs, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packB + <usize>(jr * kc * 4);
          // A read in place goes 4 rows a tile in both modules (gemm-kernel-fma.ts says why).
          const rows = directA ? 4 : MR;
          for (let ir = 0; ir < mc; ir += rows) {
            const i = ic + ir;
            const mr = min(rows, mc - ir);
            const cp = c + <usize>(i * cRs + jc + jr) * 4;
            if (directA) {
              const ap = a + <usize>(i * aRs + pc) * 4;
              // Rows past the edge re-read the last valid row; their results are dropped.
              const r1 = mr > 1 ? aRsB : 0;
              const r2 = mr > 2 ? 2 * aRsB : r1;
              const r3 = mr > 3 ? 3 * aRsB : r2;
              microKernel(kc, ap, r1, r2, r3, 4, bp, cp, cRs * 4, mr, nr, overwrite, tile);
            } else if (ASC_FEATURE_RELAXED_SIMD) {
              // The FMA module's 5×8 tile (gemm-kernel-fma.ts).
              microKernelFma(kc, packA + <usize>(ir * kc * 4), bp, cp, cRs * 4, mr, nr, overwrite, tile);
            } else {
              const ap = packA + <usize>(ir * kc * 4);
              microKernel(kc, ap, 4, 8, 12, 16, bp, cp, cRs * 4, mr, nr, overwrite, tile);
            }
          }
        }
      }
    }
  }
}

/**
 * a·b + c: rounded twice, product then sum, in the plain module; fused, rounded once, in the
 * FMA module, where the 4×8 tile below reads A in place (five rows in place would spill,
 * gemm-kernel-fma.ts).
 */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline
function microKernel(
  kc: i32, ap: usize, r1: i32, r2: i32, r3: i32, aCsB: i32,
  bp: usize, cp: usize, cRsB: i32, mr: i32, nr: i32, overwrite: bool, tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // To B's end rather than counting k, as the 5×8 FMA kernel (gemm-kernel-fma.ts) does.
  const end = bp + <usize>(kc * 32);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(ap + <usize>r1);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(ap + <usize>r2);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(ap + <usize>r3);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    ap += <usize>aCsB;
    bp += 32;
  }
  storeTile(c00, c01, c10, c11, c20, c21, c30, c31, cp, cRsB, mr, nr, overwrite, tile);
}
