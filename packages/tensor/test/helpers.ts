import { afterAll, beforeAll, describe } from 'vitest';
import { backendNames, createRng, getBackend, setBackend, Tensor, tensor, type Backend, type DType, type NestedArray, type Rng } from '@actgrad/tensor';

/** Every index of `shape` in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < n; c++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Reads a nested array at an index. */
export function at(nested: NestedArray, idx: readonly number[]): number {
  let v: NestedArray = nested;
  for (const i of idx) v = (v as NestedArray[])[i]!;
  return v as number;
}

/** All permutations of 0..n-1. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return out;
}

export function randomShape(rng: Rng, ndim: number, maxSize = 4): number[] {
  return Array.from({ length: ndim }, () => 1 + Math.floor(rng() * maxSize));
}

/** Random values in [-2, 2) (nonzero-ish, so division and logs stay meaningful when shifted). */
export function randomTensor(rng: Rng, shape: readonly number[], dtype: DType = 'float64'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng() * 4 - 2;
  return tensor(data, { shape });
}

/**
 * The same values as `randomTensor(rng, shape)` but laid out non-contiguously: a transposed,
 * padded or reversed view of a bigger buffer, chosen by `kind`.
 */
export function stridedCopy(x: Tensor, kind: 'transposed' | 'padded' | 'reversed'): Tensor {
  if (kind === 'transposed') {
    // Store the reversed-axes tensor contiguously, then view it back.
    return x.transpose().contiguous().transpose();
  }
  if (kind === 'reversed') {
    const rev = x.slice(...x.shape.map(() => [null, null, -1] as const)).contiguous();
    return rev.slice(...x.shape.map(() => [null, null, -1] as const));
  }
  // Every axis doubled; the values sit at even positions.
  const big = new Tensor(new (x.dtype === 'float64' ? Float64Array : Float32Array)(x.shape.reduce((a, b) => a * 2 * b, 1) + 3), x.shape.map((n) => 2 * n));
  big.data.fill(Number.NaN);
  const view = new Tensor(big.data, x.shape, big.strides.map((s) => 2 * s), 3);
  for (const idx of indices(x.shape)) view.set(idx, x.get(...idx));
  return view;
}

export function seeded(seed: string): Rng {
  return createRng(seed);
}

/** Max |a - b| over nested arrays of one shape, NaN-aware (NaN = NaN counts as equal). */
export function maxDiff(a: NestedArray, b: NestedArray): number {
  if (typeof a === 'number' || typeof b === 'number') {
    if (typeof a !== 'number' || typeof b !== 'number') return Infinity;
    if (Number.isNaN(a) && Number.isNaN(b)) return 0;
    if (a === b) return 0;
    return Math.abs(a - b);
  }
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, maxDiff(a[i]!, b[i]!));
  return m;
}

/** Builds a nested array of `shape` from a function of the index. */
export function build(shape: readonly number[], f: (idx: number[]) => number): NestedArray {
  const rec = (d: number, prefix: number[]): NestedArray =>
    d === shape.length ? f(prefix) : Array.from({ length: shape[d]! }, (_, i) => rec(d + 1, [...prefix, i]));
  return rec(0, []);
}

/**
 * Declares `body`'s tests once per registered backend (js, and wasm where it starts), each group
 * run with that backend active, so every backend is checked against the same references.
 */
export function forEachBackend(label: string, body: () => void): void {
  for (const backend of backendNames()) {
    describe(`${backend} ${label}`, () => {
      let previous: Backend;
      beforeAll(() => {
        previous = getBackend();
        setBackend(backend);
      });
      afterAll(() => {
        setBackend(previous);
      });
      body();
    });
  }
}
