import { expect } from 'vitest';
import { createRng, getBackend, setBackend, type FloatArray, type NamedKernel } from '@actgrad/tensor';
import { ADAM_ALL_KERNEL, type AdamAllKernel, type AdamRun, type AdamStep } from '../src/optim/adam-kernel.js';
import { adamLoopF32 } from '../src/optim/adam.js';

// A backend's float32 Adam (`adam.stepAll`) against the plain float32 loop the js backend runs:
// bit for bit over thousands of elements, gradients from 1e-42 to 1e30, zeros and signs. Shared
// by the wasm backend's test here and @actgrad/native's.

function values(seed: string, n: number, alloc: (n: number) => Float32Array, spread: number): Float32Array {
  const rng = createRng(seed);
  const x = alloc(n);
  for (let i = 0; i < n; i++) {
    const r = rng();
    x[i] = r < 0.02 ? 0 : r < 0.04 ? -0 : (rng() < 0.5 ? -1 : 1) * 10 ** (rng() * 2 * spread - spread) * (1 + rng());
  }
  return x;
}

const bits = (a: FloatArray) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/**
 * Five Adam steps of three runs (of `sizes` elements) on backend `name`, checked bit for bit
 * against the reference loop.
 */
export function checkAdamBits(name: string, sizes: readonly number[] = [4001, 7, 4992]): void {
  const before = getBackend().name;
  const backend = setBackend(name);
  try {
    const all = (backend.named as Map<string, NamedKernel>).get(ADAM_ALL_KERNEL) as unknown as AdamAllKernel;
    const alloc = (n: number) => backend.alloc('float32', n) as Float32Array;
    for (const [l2, shrink] of [[0, 1], [0.05, 1], [0, 1 - 0.01 * 0.1]] as const) {
      const runs: AdamRun[] = sizes.map((n, i) => ({ n, w: values(`w${i}`, n, alloc, 3), wo: 0, g: null, go: 0, m: alloc(n), v: alloc(n) }));
      const ref = runs.map((r) => ({ w: r.w.slice(), m: new Float32Array(r.n), v: new Float32Array(r.n) }));
      for (let t = 1; t <= 5; t++) {
        const step: AdamStep = {
          b1: 0.9, b2: 0.999, a1: 1 - 0.9, a2: 1 - 0.999, stepSize: 0.01 / (1 - 0.9 ** t),
          invSqrtC2: 1 / Math.sqrt(1 - 0.999 ** t), eps: 1e-8, l2, shrink,
        };
        runs.forEach((r, i) => (r.g = values(`g${i}-${t}`, r.n, alloc, 40)));
        expect(all(runs.length, runs, step)).toBe(true);
        runs.forEach((r, i) => adamLoopF32(r.n, ref[i]!.w, 0, r.g!, 0, ref[i]!.m, ref[i]!.v, step));
      }
      runs.forEach((r, i) => {
        expect(bits(r.w)).toEqual(bits(ref[i]!.w));
        expect(bits(r.m)).toEqual(bits(ref[i]!.m));
        expect(bits(r.v)).toEqual(bits(ref[i]!.v));
      });
      // The gradients did reach float32's ends: squares that underflow to 0 and overflow to ∞.
      const g = runs.flatMap((r) => Array.from(r.g!));
      expect(g.some((x) => x !== 0 && Math.fround(x * x) === 0)).toBe(true);
      expect(g.some((x) => Number.isFinite(x) && Math.fround(x * x) === Infinity)).toBe(true);
    }
  } finally {
    setBackend(before);
  }
}
