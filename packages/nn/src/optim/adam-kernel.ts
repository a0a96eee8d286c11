import type { FloatArray } from '@actgrad/tensor';

/**
 * The id under which a backend may offer a fused Adam step over one run (the wasm backend's is
 * `adamF32` / `adamAllF32` in packages/tensor/asm/adam.ts, tested in tensor/test/wasm-elementwise.test.ts).
 * The plain loops in adam.ts (`adamLoopF32`, `adamLoopF64`) are its reference.
 */
export const ADAM_KERNEL = 'adam.step';

/** The id of a fused Adam step over every parameter of a model in one call (`adamAllF32`). */
export const ADAM_ALL_KERNEL = 'adam.stepAll';

/**
 * The constants of one Adam step (bias correction folded in, as PyTorch does):
 * g' = g + l2·w; m ← b1·m + a1·g'; v ← b2·v + (a2·g')·g'; w ← w·shrink − (stepSize·m) / (√v·invSqrtC2 + eps).
 * Given in double; a float32 step rounds each to float first.
 */
export interface AdamStep {
  b1: number; b2: number; a1: number; a2: number;
  stepSize: number; invSqrtC2: number; eps: number; l2: number; shrink: number;
}

/**
 * A fused Adam step over `n` contiguous float32 elements of w, g, m and v (m and v from offset
 * `mo`/`vo`), computed in float32 with every operation rounded, like `adamLoopF32`. Returns false,
 * touching nothing, when it cannot run on these arrays; the caller then runs the plain loop.
 */
export type AdamKernel = (n: number, w: FloatArray, wo: number, g: FloatArray, go: number,
  m: FloatArray, mo: number, v: FloatArray, vo: number, step: AdamStep) => boolean;

/** One parameter's arrays for {@link AdamAllKernel}: `n` elements of w from `wo`, of g from `go`, of m and v from 0. */
export interface AdamRun {
  n: number;
  w: FloatArray; wo: number;
  g: FloatArray | null; go: number;
  m: FloatArray; v: FloatArray;
}

/** The same step over the first `count` runs in one call; false, touching nothing, when it cannot take them all. */
export type AdamAllKernel = (count: number, runs: readonly AdamRun[], step: AdamStep) => boolean;
