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

/**
 * Named kernel `adam.stepAll`: the Adam step of every parameter of a model in one call into
 * wasm, through a table of (w, g, m, v, n) entries kept in the memory. Declines (false, touching
 * nothing) unless every run is float32 storage in the memory.
 */
export function createAdamAll(wasm: ElementwiseExports, heap: WasmHeap) {
  let table = -1;
  let capacity = 0;
  let entries: Int32Array | null = null;
  return (count: number, runs: readonly AdamRun[], s: AdamConstants): boolean => {
    for (let r = 0; r < count; r++) {
      const run = runs[r]!;
      const { w, g, m, v } = run;
      if (!(w instanceof Float32Array) || g === null || !heap.owns(w) || !heap.owns(g) || !heap.owns(m) || !heap.owns(v)) return false;
    }
    if (count > capacity) {
      if (table >= 0) heap.release(table);
      capacity = Math.max(count, 16);
      table = heap.reserve(capacity * 20);
      if (table < 0) {
        capacity = 0;
        return false;
      }
      // Shared memory never detaches, so this view stays valid as the memory grows.
      entries = new Int32Array(heap.f32().buffer, table, capacity * 5);
    }
    const e = entries!;
    for (let r = 0, i = 0; r < count; r++, i += 5) {
      const run = runs[r]!;
      e[i] = run.w.byteOffset + run.wo * 4;
      e[i + 1] = run.g!.byteOffset + run.go * 4;
      e[i + 2] = run.m.byteOffset;
      e[i + 3] = run.v.byteOffset;
      e[i + 4] = run.n;
    }
    wasm.adamAllF32(count, table, s.b1, s.b2, s.a1, s.a2, s.stepSize, s.invSqrtC2, s.eps, s.l2, s.shrink);
    return true;
  };
}
