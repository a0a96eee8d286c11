// C = A·B (or C += A·B) in f32, over operands with arbitrary element strides.
//
// Blocking follows the GotoBLAS/BLIS scheme: a KC×NC block of B is packed
// into 8-column panels (zero-padded, so edge panels need no special loads),
// then a 4×8 register tile of C is computed per panel. Row-major A is read in
// place: a 4-row micro-panel is only KC·4 floats, it stays in L1 while the
// packed B panels stream by, and skipping its copy saves a pass over A that
// small batches cannot amortise. Any other A (transposed, strided columns) is
// packed into 4-row panels first: read in place, a power-of-two row stride
// maps every k step to the same L1 set and the panel thrashes.
//
// The 4×8 tile keeps 8 f32x4 accumulators, 2 B vectors and 4 A splats live:
// 14 of the 16 vector registers V8 has on x64. Wider tiles spill.
//
// Pointers are byte addresses into linear memory; strides are in elements and
// may be negative (wrapping u32 arithmetic gives the right address).

import { MR_FMA, microKernelFma } from './gemm-kernel-fma';

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const NC: i32 = 512;
const MC: i32 = 128;


/** Bytes of scratch one thread needs for `gemm`: the packed B and A blocks plus one C tile. */
export function gemmScratchBytes(): i32 {
  return KC * NC * 4 + MC * KC * 4 + MR * NR * 4;
}

/** Bytes `gemmPackB` writes for a k×n B: k rows of n floats, n rounded up to whole panels. */
export function gemmPackedBytes(k: i32, n: i32): i32 {
  return k * ((n + NR - 1) & ~(NR - 1)) * 4;
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
          for (let ir = 0; ir < mc; ir += MR) {
            const i = ic + ir;
            const mr = min(MR, mc - ir);
            const cp = c + <usize>(i * cRs + jc + jr) * 4;
            if (ASC_FEATURE_RELAXED_SIMD) {
              // The FMA module's kernel (gemm-kernel-fma.ts); MR_FMA == MR.
              const ap = directA ? a + <usize>(i * aRs + pc) * 4 : packA + <usize>(ir * kc * 4);
              microKernelFma(kc, ap, aRsB, mr - 1, !directA, bp, cp, cRs * 4, mr, nr, overwrite, tile);
            } else if (directA) {
              const ap = a + <usize>(i * aRs + pc) * 4;
              // Rows past the edge re-read the last valid row; their results are dropped.
              const r1 = mr > 1 ? aRsB : 0;
              const r2 = mr > 2 ? 2 * aRsB : r1;
              const r3 = mr > 3 ? 3 * aRsB : r2;
              microKernel(kc, ap, r1, r2, r3, 4, bp, cp, cRs * 4, mr, nr, overwrite, tile);
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

/** a·b + c rounded twice, product then sum (the FMA module rounds once, gemm-kernel-fma.ts). */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
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
  for (let p = 0; p < kc; p++) {
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
  if (mr == MR && nr == NR) {
    const rs = <usize>cRsB;
    if (overwrite) {
      v128.store(cp, c00); v128.store(cp, c01, 16); cp += rs;
      v128.store(cp, c10); v128.store(cp, c11, 16); cp += rs;
      v128.store(cp, c20); v128.store(cp, c21, 16); cp += rs;
      v128.store(cp, c30); v128.store(cp, c31, 16);
    } else {
      v128.store(cp, f32x4.add(v128.load(cp), c00)); v128.store(cp, f32x4.add(v128.load(cp, 16), c01), 16); cp += rs;
      v128.store(cp, f32x4.add(v128.load(cp), c10)); v128.store(cp, f32x4.add(v128.load(cp, 16), c11), 16); cp += rs;
      v128.store(cp, f32x4.add(v128.load(cp), c20)); v128.store(cp, f32x4.add(v128.load(cp, 16), c21), 16); cp += rs;
      v128.store(cp, f32x4.add(v128.load(cp), c30)); v128.store(cp, f32x4.add(v128.load(cp, 16), c31), 16);
    }
    return;
  }
  v128.store(tile, c00, 0); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let i = 0; i < mr; i++) {
    const row = cp + <usize>(i * cRsB);
    const t = tile + <usize>(i * NR * 4);
    for (let j = 0; j < nr; j++) {
      const off = <usize>(j * 4);
      const v = load<f32>(t + off);
      store<f32>(row + off, overwrite ? v : load<f32>(row + off) + v);
    }
  }
}

/**
 * Packs A[mc×kc] into ceil(mc/4) panels, each kc columns of 4 contiguous
 * floats, zero-padded at the bottom. Transposed A (unit row stride) copies one
 * vector per column.
 */
function packPanelsA(mc: i32, kc: i32, a: usize, aRs: i32, aCs: i32, dst: usize): void {
  const csB = <usize>(aCs * 4);
  const rsB = <usize>(aRs * 4);
  for (let ip = 0; ip < mc; ip += MR) {
    const h = min(MR, mc - ip);
    let src = a + <usize>(ip * aRs) * 4;
    if (h == MR && aRs == 1) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += csB;
        dst += 16;
      }
    } else if (h == MR && aCs == 1) {
      // Row-major A: four rows, four columns at a time, transposed in registers
      // (the scalar copy below cost a tenth of n = 1024's time).
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const r0 = v128.load(src);
        const r1 = v128.load(src + rsB);
        const r2 = v128.load(src + 2 * rsB);
        const r3 = v128.load(src + 3 * rsB);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
        v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
        v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
        src += 16;
        dst += 64;
      }
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + <usize>(r * 4), load<f32>(src + <usize>(r) * rsB));
        src += 4;
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        let s = src;
        for (let r = 0; r < h; r++) {
          store<f32>(dst + <usize>(r * 4), load<f32>(s));
          s += rsB;
        }
        for (let r = h; r < MR; r++) store<f32>(dst + <usize>(r * 4), 0);
        src += csB;
        dst += 16;
      }
    }
  }
}

/**
 * Packs B[kc×nc] into ceil(nc/8) panels, each kc rows of 8 contiguous floats,
 * zero-padded on the right. Row-major B copies two vectors per row; transposed
 * B (unit row stride) reads each column contiguously and transposes 4×4 blocks.
 */
function packPanelsB(kc: i32, nc: i32, b: usize, bRs: i32, bCs: i32, dst: usize): void {
  const rsB = <usize>(bRs * 4);
  for (let jp = 0; jp < nc; jp += NR) {
    const w = min(NR, nc - jp);
    let src = b + <usize>(jp * bCs) * 4;
    if (w == NR && bCs == 1) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += rsB;
        dst += 32;
      }
    } else if (w == NR && bRs == 1) {
      dst = packTransposed8(kc, src, <usize>(bCs * 4), dst);
    } else {
      const csB = <usize>(bCs * 4);
      for (let p = 0; p < kc; p++) {
        let s = src;
        for (let j = 0; j < w; j++) {
          store<f32>(dst + <usize>(j * 4), load<f32>(s));
          s += csB;
        }
        for (let j = w; j < NR; j++) store<f32>(dst + <usize>(j * 4), 0);
        src += rsB;
        dst += 32;
      }
    }
  }
}

/** Eight contiguous columns (stride `csB` bytes apart) → kc rows of 8; returns the end of the panel. */
function packTransposed8(kc: i32, src: usize, csB: usize, dst: usize): usize {
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    for (let half: usize = 0; half < 2; half++) {
      const s = src + half * 4 * csB;
      const r0 = v128.load(s);
      const r1 = v128.load(s + csB);
      const r2 = v128.load(s + 2 * csB);
      const r3 = v128.load(s + 3 * csB);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const d = dst + half * 16;
      v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
      v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
      v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
    }
    src += 16;
    dst += 128;
  }
  for (; p < kc; p++) {
    for (let j: usize = 0; j < 8; j++) store<f32>(dst + j * 4, load<f32>(src + j * csB));
    src += 4;
    dst += 32;
  }
  return dst;
}
