import type { FloatArray } from '@actgrad/tensor';

/**
 * The id under which a backend may offer a fused Adam step (the wasm backend's is `adamF32` in
 * packages/tensor/asm/elementwise.ts, tested in tensor/test/wasm-elementwise.test.ts). The
 * plain loop in `AdamBase.update` (optimizers.ts) is its reference.
 */
export const ADAM_KERNEL = 'adam.step';

/**
 * The constants of one Adam step (bias correction folded in, as PyTorch does):
 * g' = g + l2·w; m ← b1·m + a1·g'; v ← b2·v + a2·g'²; w ← w·shrink − stepSize·m / (√v·invSqrtC2 + eps).
 */
export interface AdamStep {
  b1: number; b2: number; a1: number; a2: number;
  stepSize: number; invSqrtC2: number; eps: number; l2: number; shrink: number;
}

/**
 * A fused Adam step over `n` contiguous elements of w, g, m and v (m and v from offset `mo`/`vo`),
 * computed in double and rounded on store like the plain loop. Returns false, touching nothing,
 * when it cannot run on these arrays; the caller then runs the plain loop.
 */
export type AdamKernel = (n: number, w: FloatArray, wo: number, g: FloatArray, go: number,
  m: FloatArray, mo: number, v: FloatArray, vo: number, step: AdamStep) => boolean;
