// Packing for gemm.ts: A into MR-row panels (5 in the FMA module, 4 in the
// plain one), B into 8-column panels, each zero-padded to whole panels so the
// micro-kernels need no edge loads.

/** Rows of a packed A panel and of the register tile: the FMA kernel's 5×8 (gemm-kernel-fma.ts), the plain kernel's 4×8. */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 5 : 4;
/** Columns of a packed B panel and of the register tile. */
export const NR: i32 = 8;

/**
 * Packs A[mc×kc] into ceil(mc/MR) panels, each kc columns of MR contiguous
 * floats, zero-padded at the bottom. Transposed A (unit row stride) copies one
 * vector per column (and a float, for a fifth row).
 */
export function packPanelsA(mc: i32, kc: i32, a: usize, aRs: i32, aCs: i32, dst: usize): void {
  const csB = <usize>(aCs * 4);
  const rsB = <usize>(aRs * 4);
  const step = <usize>(MR * 4);
  for (let ip = 0; ip < mc; ip += MR) {
    const h = min(MR, mc - ip);
    let src = a + <usize>(ip * aRs) * 4;
    if (h == MR && aRs == 1) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        if (MR == 5) store<f32>(dst, load<f32>(src, 16), 16);
        src += csB;
        dst += step;
      }
    } else if (h == MR && aCs == 1) {
      // Row-major A: four rows, four columns at a time, transposed in registers
      // (the scalar copy below cost a tenth of n = 1024's time); a fifth row's
      // four floats go out one by one.
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
        v128.store(dst + step, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        v128.store(dst + 2 * step, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        v128.store(dst + 3 * step, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        if (MR == 5) {
          const r4 = v128.load(src + 4 * rsB);
          store<f32>(dst, f32x4.extract_lane(r4, 0), 16);
          store<f32>(dst + step, f32x4.extract_lane(r4, 1), 16);
          store<f32>(dst + 2 * step, f32x4.extract_lane(r4, 2), 16);
          store<f32>(dst + 3 * step, f32x4.extract_lane(r4, 3), 16);
        }
        src += 16;
        dst += 4 * step;
      }
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + <usize>(r * 4), load<f32>(src + <usize>(r) * rsB));
        src += 4;
        dst += step;
      }
    } else {
      dst = packStrided(kc, h, MR, src, rsB, csB, dst);
    }
  }
}

/**
 * Packs B[kc×nc] into ceil(nc/8) panels, each kc rows of 8 contiguous floats,
 * zero-padded on the right. Row-major B copies two vectors per row; transposed
 * B (unit row stride) reads each column contiguously and transposes 4×4 blocks.
 */
export function packPanelsB(kc: i32, nc: i32, b: usize, bRs: i32, bCs: i32, dst: usize): void {
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
      dst = packStrided(kc, w, NR, src, <usize>(bCs * 4), rsB, dst);
    }
  }
}

/**
 * Any stride, and the panels at the edge: kc groups of `count` floats `step` bytes
 * apart (a group starting `advance` bytes after the last) into groups of `width`
 * floats, zero-padded. Returns the end of the panel.
 */
// @ts-ignore: decorator
@inline
function packStrided(kc: i32, count: i32, width: i32, src: usize, step: usize, advance: usize, dst: usize): usize {
  for (let p = 0; p < kc; p++) {
    let s = src;
    for (let i = 0; i < count; i++) {
      store<f32>(dst + <usize>(i * 4), load<f32>(s));
      s += step;
    }
    for (let i = count; i < width; i++) store<f32>(dst + <usize>(i * 4), 0);
    src += advance;
    dst += <usize>(width * 4);
  }
  return dst;
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
