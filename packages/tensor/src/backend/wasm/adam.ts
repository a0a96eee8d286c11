import type { FloatArray } from '../../dtype.js';
import type { ElementwiseExports } from './elementwise.js';
import type { WasmHeap } from './heap.js';

/**
 * The constants of one Adam step as asm/adam.ts's `adamF32` takes them (the kernel rounds
 * each to float on the way in); the optimizer in @actgrad/nn (src/optim/adam-kernel.ts) owns
 * the meaning and fills them in.
 */
interface AdamConstants {
  b1: number; b2: number; a1: number; a2: number;
  stepSize: number; invSqrtC2: number; eps: number; l2: number; shrink: number;
}

/** One parameter's arrays for the all-parameters step (nn's `AdamRun`). */
interface AdamRun {
  n: number;
  w: FloatArray; wo: number;
  g: FloatArray | null; go: number;
  m: FloatArray; v: FloatArray;
}

/** The fused Adam step, named kernel `adam.step`, for float32 runs that all live in the memory. */
export function createAdam(wasm: ElementwiseExports, heap: WasmHeap) {
  return (n: number, w: FloatArray, wo: number, g: FloatArray, go: number,
    m: FloatArray, mo: number, v: FloatArray, vo: number, s: AdamConstants): boolean => {
    if (!(w instanceof Float32Array) || !heap.owns(w) || !heap.owns(g) || !heap.owns(m) || !heap.owns(v)) return false;
    wasm.adamF32(n, w.byteOffset + wo * 4, g.byteOffset + go * 4, m.byteOffset + mo * 4, v.byteOffset + vo * 4,
      s.b1, s.b2, s.a1, s.a2, s.stepSize, s.invSqrtC2, s.eps, s.l2, s.shrink);
    return true;
  };
}

/** Runs the all-parameters step over elements [0, total) of the runs: on one thread, or shared out (parallel-gemm.ts). */
export type AdamAllRunner = (count: number, table: number, consts: number, total: number) => void;

/** Bytes before the entries of the table: the nine f32 constants, padded to 16. */
const CONSTS_BYTES = 48;

/**
 * Named kernel `adam.stepAll`: the Adam step of every parameter of a model in one call into
 * wasm, through a table of (w, g, m, v, n) entries kept in the memory behind the step's
 * constants. `run` may share the elements out among the worker threads. Declines (false,
 * touching nothing) unless every run is float32 storage in the memory.
 */
export function createAdamAll(heap: WasmHeap, run: AdamAllRunner) {
  let table = -1;
  let capacity = 0;
  let entries: Int32Array | null = null;
  let consts: Float32Array | null = null;
  return (count: number, runs: readonly AdamRun[], s: AdamConstants): boolean => {
    for (let r = 0; r < count; r++) {
      const run = runs[r]!;
      const { w, g, m, v } = run;
      if (!(w instanceof Float32Array) || g === null || !heap.owns(w) || !heap.owns(g) || !heap.owns(m) || !heap.owns(v)) return false;
    }
    if (count > capacity) {
      if (table >= 0) heap.release(table);
      capacity = Math.max(count, 16);
      table = heap.reserve(CONSTS_BYTES + capacity * 20);
      if (table < 0) {
        capacity = 0;
        return false;
      }
      // Shared memory never detaches, so these views stay valid as the memory grows.
      consts = new Float32Array(heap.f32().buffer, table, 9);
      entries = new Int32Array(heap.f32().buffer, table + CONSTS_BYTES, capacity * 5);
    }
    // Stored as floats, rounded to nearest as a wasm f32 parameter would be.
    const c = consts!;
    c[0] = s.b1; c[1] = s.b2; c[2] = s.a1; c[3] = s.a2; c[4] = s.stepSize;
    c[5] = s.invSqrtC2; c[6] = s.eps; c[7] = s.l2; c[8] = s.shrink;
    const e = entries!;
    let total = 0;
    for (let r = 0, i = 0; r < count; r++, i += 5) {
      const run = runs[r]!;
      e[i] = run.w.byteOffset + run.wo * 4;
      e[i + 1] = run.g!.byteOffset + run.go * 4;
      e[i + 2] = run.m.byteOffset;
      e[i + 3] = run.v.byteOffset;
      e[i + 4] = run.n;
      total += run.n;
    }
    run(count, table + CONSTS_BYTES, table, total);
    return true;
  };
}
