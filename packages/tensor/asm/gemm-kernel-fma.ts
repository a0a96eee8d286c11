// The FMA module's register tiles, updated by f32x4.relaxed_madd: 5×8 over
// packed A (ten f32x4 accumulators), 4×8 over A read in place (eight).
//
// What V8 (Node 20, TurboFan, x64 with AVX2/FMA3) emits, read with
// `node --print-wasm-code`: load32_splat is one vbroadcastss xmm, [mem] (a load
// µop, no shuffle), relaxed_madd one vfmadd231ps into the accumulator's own
// register (no extra moves), the loop is unrolled ×4 with one stack check per
// round. TurboFan schedules every load of a step before that step's FMAs, so a
// tile needs a register for each of its A broadcasts at once: 4×8 is 8
// accumulators + 2 B vectors + 4 broadcasts, 14 of the 15 allocatable xmm
// registers.
//
// Eight independent FMA chains are exactly the latency (4 cycles) × ports (2)
// minimum: a register-only loop of 8 chains runs at 90% of the 12-chain peak
// (50.5 against 56 GFLOP/s on the Zen 5 VM, 52 against 58 on a Zen 4), and the
// 4×8 tile stopped at 83–85% of the peak on one thread. The 5×8 tile gets ten
// chains into the same registers: rows 0-3 of a packed step are one vector load
// broadcast lane by lane with vpshufd (a shuffle writes only its own register),
// row 4 a broadcast load: 10 accumulators + 2 B + the A vector + one broadcast.
// Shares of the FMA peak measured beside it (bench/src/paired.ts), old and new
// module in alternating processes, Zen 5 VM, 2026-12-02: 1 thread n = 256 83% →
// 92%, n = 1024 84% → 94%; 2 threads n = 256 76% → 80%, n = 1024 76% → 86%.
// On the Zen 4 it had tied (46–48 against 48 GFLOP/s): there the four shuffles
// share a pipe with the FMAs. On Intel they run on port 5, apart from the two
// FMA ports. A read in place keeps the 4×8 tile: its rows need a broadcast load
// each, and five of them at the top of a step spill (half the speed).
//
// Measured and dropped (best of alternating runs, Zen 4, 2026-12-02):
// - 6×8 with six broadcast loads (12 accumulators): three accumulators go to
//   the stack, a store and reload per step: 18–21 against 35–50 GFLOP/s; with
//   two shuffled vectors, 26 against 50 in an L1-resident loop on Zen 5.
// - 3×12 (9 accumulators, 3 B vectors, 3 splats: 15 registers, no spill):
//   43.6 against 50.0 GFLOP/s at n = 240.
// - Unrolling the k loop by 2 by hand: TurboFan then loads both steps'
//   operands first (4 B vectors, 8 splats) and spills: 24–27 against 43–52.
//   Its own ×4 unrolling keeps one step's loads together.
// - Pre-splatting A at packing time (full-vector loads in the kernel) saves
//   nothing: a broadcast from memory already costs only the load.
// Packed A is read through constant load offsets, which x64 folds into the
// address: three fewer instructions per step than adding the row offsets.

import { storeRow, storeTile } from './gemm-store';


// @ts-ignore: decorator
@inline
function fma(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}

/**
 * C[mr×nr tile] (=|+=) A-panel·B-panel over kc steps, mr ≤ 5, A a packed 5-row
 * panel (20 bytes a step).
 */
// @ts-ignore: decorator
@inline
export function microKernelFma(
  kc: i32, ap: usize, bp: usize, cp: usize, cRsB: i32, mr: i32, nr: i32, overwrite: bool, tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  // The loops run to B's end pointer rather than count k: TurboFan kept kc in a stack
  // slot and compared a counter against it every step (now 17 instructions a step, not
  // 19). Per CPU second, in three alternating runs on a loaded machine: +2% to +16% at
  // n = 256 and 1024, W2's products and the n = 10 ones, never slower; best windows tie
  // on the large products (the eight FMA chains bound them) and gain on the small ones.
  const end = bp + <usize>(kc * 32);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    // Rows 0-3 from one load, each broadcast by a lane shuffle (vpshufd), which
    // needs no register beyond the one it writes; row 4 by a broadcast load.
    const a = v128.load(ap);
    let av = i32x4.shuffle(a, a, 0, 0, 0, 0);
    c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
    av = i32x4.shuffle(a, a, 1, 1, 1, 1);
    c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
    av = i32x4.shuffle(a, a, 2, 2, 2, 2);
    c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
    av = i32x4.shuffle(a, a, 3, 3, 3, 3);
    c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
    av = v128.load32_splat(ap, 16);
    c40 = fma(av, b0, c40); c41 = fma(av, b1, c41);
    ap += 20;
    bp += 32;
  }
  storeTile(c00, c01, c10, c11, c20, c21, c30, c31, cp, cRsB, min(mr, 4), nr, overwrite, tile);
  if (mr == 5) storeRow(c40, c41, cp + <usize>(4 * cRsB), nr, overwrite, tile);
}
