import seedrandom from 'seedrandom';
import type { Rng } from '@actgrad/tensor';

export type { Rng };

/** Default seed when the caller gives none, so every run is reproducible unless asked otherwise. */
export const DEFAULT_SEED = 42;

/** A seeded generator (seedrandom's ARC4), or `rng` itself when one is passed. */
export function makeRng(seed: string | number | undefined, rng?: Rng): Rng {
  if (rng) return rng;
  return seedrandom(String(seed ?? DEFAULT_SEED));
}

/** ARC4 state of a seeded generator: two indices and the 256-entry permutation. */
export interface RngState {
  i: number;
  j: number;
  S: number[];
}

/** A seeded generator whose position can be saved with `state()` (for checkpoints). */
export interface StatefulRng extends Rng {
  (): number;
  /** A copy of the generator's position; `makeStatefulRng(seed, state)` continues from it. */
  state(): RngState;
}

/** A generator seeded like {@link makeRng}, or continuing from a saved `state`. */
export function makeStatefulRng(seed: string | number | undefined, state?: RngState): StatefulRng {
  if (state) return seedrandom('', { state: { i: state.i, j: state.j, S: [...state.S] } }) as StatefulRng;
  return seedrandom(String(seed ?? DEFAULT_SEED), { state: true }) as StatefulRng;
}

/** Why `s` is not an ARC4 state (indices in [0, 255], S a permutation of 0…255), or null. */
export function rngStateProblem(s: unknown): string | null {
  const st = s as Partial<RngState> | null;
  const byte = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 256;
  if (!st || typeof st !== 'object' || !byte(st.i) || !byte(st.j) || !Array.isArray(st.S) || st.S.length !== 256) {
    return 'is not a generator state ({ i, j, S[256] })';
  }
  const seen = new Uint8Array(256);
  for (const v of st.S) {
    if (!byte(v) || seen[v as number]) return 'has an S that is not a permutation of 0…255';
    seen[v as number] = 1;
  }
  return null;
}

/**
 * Standard normal samples by Box–Muller. Both values of each pair are used, so a stream of
 * n samples draws n uniforms (rounded up to even).
 */
export function gaussianSampler(rng: Rng): () => number {
  let spare = 0;
  let hasSpare = false;
  return () => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    let u = 0;
    // log(0) is -Infinity: reject the (rare) exact zero.
    while (u === 0) u = rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Fisher–Yates shuffle of `perm` in place. */
export function shuffleInPlace(perm: Int32Array, rng: Rng): Int32Array {
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

/** 0, 1, …, n−1. */
export function identityPermutation(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}
