// The FMA module's register tile: 4×8, eight f32x4 accumulators updated by
// f32x4.relaxed_madd. What V8 (Node 20, TurboFan, x64 with AVX2/FMA3) emits
// for the packed loop, read with `node --print-wasm-code`: load32_splat is one
// vbroadcastss xmm, [mem] (a load µop, no shuffle), relaxed_madd one
// vfmadd231ps into the accumulator's own register (no extra moves), the loop
// is unrolled ×4 with one stack check per round, and each k step is 2 vector
// loads + 4 broadcasts + 8 FMAs + 2 pointer adds + a compare and branch. 14 of the 15 allocatable xmm registers are live: TurboFan
// schedules every load of a step before that step's FMAs, so a tile needs
// registers for all of its A splats at once.
//
// Eight independent FMA chains are exactly the latency (4 cycles) × ports (2)
// minimum; a register-only loop of 8 chains runs at 52 GFLOP/s against 58 for
// 12 on this Zen 4, and this kernel reaches 50–52 on n = 256–1024 in quiet
// windows. Tiles with more accumulators, measured (best of alternating runs,
// 2026-12-02):
// - 6×8 (12 accumulators): the six splats loaded up front push three
//   accumulators to the stack, a store and reload per step: 18–21 against 35–50.
// - 3×12 (9 accumulators, 3 B vectors, 3 splats: 15 registers, no spill):
//   43.6 against 50.0 GFLOP/s at n = 240.
// - 5×8 with rows 0–3 broadcast from one vector load by vpshufd (10
//   accumulators, 15 registers, no spill): 46–48 against 48, no gain. The four
//   shuffles per step share an FP pipe with the FMAs on Zen 4; on Intel, where
//   shuffles run on port 5 apart from the FMA ports, it might pay: untested.
// - Unrolling the k loop by 2 by hand: TurboFan then loads both steps'
//   operands first (4 B vectors, 8 splats) and spills: 24–27 against 43–52.
//   Its own ×4 unrolling keeps one step's loads together.
// - Pre-splatting A at packing time (full-vector loads in the kernel) saves
//   nothing: a broadcast from memory already costs only the load.
// Packed A is read through constant load offsets, which x64 folds into the
// address: three fewer instructions per step than adding the row offsets.

import { storeTile } from './gemm-store';

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
  // The loops run to B's end pointer rather than count k: TurboFan kept kc in a stack
  // slot and compared a counter against it every step (now 17 instructions a step, not
  // 19). Per CPU second, in three alternating runs on a loaded machine: +2% to +16% at
  // n = 256 and 1024, W2's products and the n = 10 ones, never slower; best windows tie
  // on the large products (the eight FMA chains bound them) and gain on the small ones.
  const end = bp + <usize>(kc * 32);
  if (packed) {
    while (bp < end) {
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
    while (bp < end) {
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
  storeTile(c00, c01, c10, c11, c20, c21, c30, c31, cp, cRsB, mr, nr, overwrite, tile);
}
