// The FMA module's register tile: 4×8, eight f32x4 accumulators updated by
// f32x4.relaxed_madd (one vfmadd231ps each on x64 with FMA3). The 4×8 shape
// is the plain kernel's: a 6×8 tile would fit 12 accumulators, 2 B vectors
// and one A splat in the 15 vector registers V8 allocates, but V8 schedules
// all six A splats at the top of the step and spills, which halved the rate
// (15–19 GFLOP/s against 30 by CPU time, 2026-12-02). Packed A is read through
// constant load offsets, which x64 folds into the address: three fewer
// instructions per step than adding the row offsets.

export const MR_FMA: i32 = 4;

// @ts-ignore: decorator
@inline
function fma(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}

/**
 * C[mr×nr tile] (=|+=) A-panel·B-panel over kc steps. `packed`: A is a packed
 * 4-row panel (16 bytes a step); otherwise rows start `rs` bytes apart, 4 bytes
 * a step, and rows past `last` re-read row `last` (their results are dropped).
 */
// @ts-ignore: decorator
@inline
export function microKernelFma(
  kc: i32, ap: usize, rs: i32, last: i32, packed: bool,
  bp: usize, cp: usize, cRsB: i32, mr: i32, nr: i32, overwrite: bool, tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (packed) {
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let av = v128.load32_splat(ap);
      c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
      av = v128.load32_splat(ap, 4);
      c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
      av = v128.load32_splat(ap, 8);
      c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
      av = v128.load32_splat(ap, 12);
      c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      ap += 16;
      bp += 32;
    }
  } else {
    const r1 = <usize>(min(1, last) * rs), r2 = <usize>(min(2, last) * rs), r3 = <usize>(min(3, last) * rs);
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let av = v128.load32_splat(ap);
      c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
      av = v128.load32_splat(ap + r1);
      c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
      av = v128.load32_splat(ap + r2);
      c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
      av = v128.load32_splat(ap + r3);
      c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
      ap += 4;
      bp += 32;
    }
  }
  if (mr == MR_FMA && nr == 8) {
    const rsC = <usize>cRsB;
    if (overwrite) {
      v128.store(cp, c00); v128.store(cp, c01, 16); cp += rsC;
      v128.store(cp, c10); v128.store(cp, c11, 16); cp += rsC;
      v128.store(cp, c20); v128.store(cp, c21, 16); cp += rsC;
      v128.store(cp, c30); v128.store(cp, c31, 16);
    } else {
      v128.store(cp, f32x4.add(v128.load(cp), c00)); v128.store(cp, f32x4.add(v128.load(cp, 16), c01), 16); cp += rsC;
      v128.store(cp, f32x4.add(v128.load(cp), c10)); v128.store(cp, f32x4.add(v128.load(cp, 16), c11), 16); cp += rsC;
      v128.store(cp, f32x4.add(v128.load(cp), c20)); v128.store(cp, f32x4.add(v128.load(cp, 16), c21), 16); cp += rsC;
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
    const t = tile + <usize>(i * 32);
    for (let j = 0; j < nr; j++) {
      const off = <usize>(j * 4);
      const v = load<f32>(t + off);
      store<f32>(row + off, overwrite ? v : load<f32>(row + off) + v);
    }
  }
}
