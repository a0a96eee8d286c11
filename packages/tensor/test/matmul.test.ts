import { describe, expect, it } from 'vitest';
import * as T from '@actgrad/tensor';
import { jsBackend, type DType, type Rng, type Tensor } from '@actgrad/tensor';
import { forEachBackend, randomTensor, seeded } from './helpers.js';

// The naive triple loop over get(): independent of strides, kernels and blocking.
function naive(a: Tensor, b: Tensor): number[][] {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const c: number[][] = [];
  for (let i = 0; i < m; i++) {
    c.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.get(i, p) * b.get(p, j);
      c[i]!.push(s);
    }
  }
  return c;
}

function maxRelErr(actual: number[][], expected: number[][]): number {
  let e = 0;
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected[i]!.length; j++) {
      e = Math.max(e, Math.abs(actual[i]![j]! - expected[i]![j]!) / (1 + Math.abs(expected[i]![j]!)));
    }
  }
  return e;
}

type Layout = 'contiguous' | 'transposed' | 'sliced' | 'reversed';
const LAYOUTS: Layout[] = ['contiguous', 'transposed', 'sliced', 'reversed'];

// An [r, c] operand with the given layout; the values are what `naive` reads through get().
function operand(rng: Rng, r: number, c: number, dtype: DType, layout: Layout): Tensor {
  switch (layout) {
    case 'contiguous': return randomTensor(rng, [r, c], dtype);
    case 'transposed': return randomTensor(rng, [c, r], dtype).transpose();
    case 'sliced': return randomTensor(rng, [2 * r + 1, c + 3], dtype).slice([1, null, 2], [2, 2 + c]);
    case 'reversed': return randomTensor(rng, [c, r], dtype).transpose().slice([null, null, -1]);
  }
}

// Every registered backend's gemm against the same triple loop.
forEachBackend('backend', () => {

  describe('matmul against a naive triple loop', () => {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      it(`2-D, every layout pair, ${dtype}`, () => {
        const rng = seeded(`matmul-${dtype}`);
        const tol = dtype === 'float32' ? 1e-5 : 1e-12;
        const sizes = [[1, 1, 1], [3, 5, 2], [7, 4, 9], [13, 130, 11], [33, 17, 70], [5, 260, 6]];
        for (const [m, k, n] of sizes) {
          for (const la of LAYOUTS) {
            for (const lb of LAYOUTS) {
              const a = operand(rng, m!, k!, dtype, la);
              const b = operand(rng, k!, n!, dtype, lb);
              const c = T.matmul(a, b);
              expect(c.shape).toEqual([m, n]);
              expect(c.dtype).toBe(dtype);
              expect(maxRelErr(c.toArray() as number[][], naive(a, b))).toBeLessThan(tol);
            }
          }
        }
      });
    }

    it('sizes that cross every cache block (m > 64, n > 256, k > 128), transposed and reversed', () => {
      const rng = seeded('matmul-blocks');
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const [m, k, n] = [67, 131, 259];
        for (const [la, lb] of [['contiguous', 'contiguous'], ['transposed', 'reversed']] as const) {
          const a = operand(rng, m, k, dtype, la);
          const b = operand(rng, k, n, dtype, lb);
          const ref = naive(a, b);
          expect(maxRelErr(T.matmul(a, b).toArray() as number[][], ref)).toBeLessThan(dtype === 'float32' ? 1e-5 : 1e-12);
        }
      }
    });

    it('batched, with broadcast batch axes and strided batches', () => {
      const rng = seeded('matmul-batched');
      const a = randomTensor(rng, [2, 1, 4, 3]);
      const b = randomTensor(rng, [5, 2, 3]).transpose(0, 2, 1); // transposed matrices
      const bt = randomTensor(rng, [3, 5, 2]).permute([1, 0, 2]); // strided batch axis
      for (const rhs of [b, bt]) {
        const c = T.matmul(a, rhs);
        expect(c.shape).toEqual([2, 5, 4, 2]);
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 5; j++) {
            const got = c.slice(i, j).toArray() as number[][];
            expect(maxRelErr(got, naive(a.slice(i, 0), rhs.slice(j)))).toBeLessThan(1e-12);
          }
        }
      }
      // A 2-D operand broadcasts against a batch; a reversed batch axis is just strides.
      const w = randomTensor(rng, [3, 6]);
      const x = randomTensor(rng, [4, 2, 3]).slice([null, null, -1]);
      const y = x.matmul(w);
      expect(y.shape).toEqual([4, 2, 6]);
      for (let i = 0; i < 4; i++) expect(maxRelErr(y.slice(i).toArray() as number[][], naive(x.slice(i), w))).toBeLessThan(1e-12);
    });

    it('1-D operands are vectors, as in NumPy', () => {
      const rng = seeded('matmul-1d');
      const m = randomTensor(rng, [3, 4]);
      const v = randomTensor(rng, [4]);
      const u = randomTensor(rng, [3]);
      const mv = T.matmul(m, v);
      expect(mv.shape).toEqual([3]);
      expect(maxRelErr([mv.toArray() as number[]], [naive(m, v.reshape([4, 1])).map((r) => r[0]!)])).toBeLessThan(1e-12);
      const um = T.matmul(u, m);
      expect(um.shape).toEqual([4]);
      expect(maxRelErr([um.toArray() as number[]], naive(u.reshape([1, 3]), m))).toBeLessThan(1e-12);
      expect(T.matmul(v, v).shape).toEqual([]);
      expect(T.matmul(v, v).item()).toBeCloseTo(naive(v.reshape([1, 4]), v.reshape([4, 1]))[0]![0]!, 12);
    });

    it('writes into out and checks it', () => {
      const a = T.ones([2, 3]);
      const b = T.full([3, 4], 2);
      const out = T.full([2, 4], 99);
      expect(T.matmul(a, b, out)).toBe(out);
      expect(out.toArray()).toEqual([[6, 6, 6, 6], [6, 6, 6, 6]]);
      expect(() => T.matmul(a, b, T.zeros([4, 2]))).toThrow('matmul: out has shape [4,2] but the result has shape [2,4]');
      const sq = T.ones([2, 2]);
      expect(() => T.matmul(sq, sq, sq)).toThrow('matmul: out must not share storage with an operand');
    });

    it('refuses mismatched shapes and dtypes with both shapes named', () => {
      expect(() => T.matmul(T.zeros([32, 3]), T.zeros([4, 16]))).toThrow('matmul: shapes [32,3] and [4,16] do not match (3 ≠ 4)');
      expect(() => T.matmul(T.zeros([2, 2, 3]), T.zeros([3, 3, 1]))).toThrow('matmul: shapes [2,2,3] and [3,3,1] cannot broadcast batch axes (axis -3: 2 vs 3)');
      expect(() => T.matmul(T.zeros([2, 2]), T.zeros([2, 2], 'float64'))).toThrow('matmul: dtypes float32 and float64 differ (cast one with astype)');
      expect(() => T.matmul(T.tensor(1), T.zeros([2, 2]))).toThrow('a 0-d operand is not a matrix');
    });
  });
});

describe('js gemm kernel', () => {
  // The kernel picks its loop by size, not layout: 4×4 register tiles (small), packed panels
  // (large), i-k-j rows or dot products (1–3 rows of a large product), dot products (n < 4).
  const PATHS = [[9, 131, 10], [9, 131, 40], [2, 131, 130], [9, 131, 3]];
  it('accumulates (C += A·B) or overwrites on every path, with an offset, padded C rows', () => {
    const rng = seeded('gemm');
    for (const dtype of ['float32', 'float64'] as DType[]) {
      for (const [m, k, n] of PATHS as [number, number, number][]) {
        for (const [la, lb] of [['contiguous', 'contiguous'], ['transposed', 'contiguous'], ['contiguous', 'transposed'], ['sliced', 'reversed']] as const) {
          const a = operand(rng, m, k, dtype, la);
          const b = operand(rng, k, n, dtype, lb);
          const ref = naive(a, b);
          const rs = n + 2;
          for (const accumulate of [true, false]) {
            const data = dtype === 'float64' ? new Float64Array(5 + m * rs) : new Float32Array(5 + m * rs);
            data.fill(1);
            const C = { data, offset: 5, rowStride: rs };
            const op = (t: Tensor) => ({ data: t.data, offset: t.offset, rowStride: t.strides[0]!, colStride: t.strides[1]! });
            jsBackend.gemm(m, n, k, op(a), op(b), C, accumulate);
            const base = accumulate ? 1 : 0;
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) expect(Math.abs(data[5 + i * rs + j]! - (base + ref[i]![j]!))).toBeLessThan(dtype === 'float32' ? 1e-4 : 1e-12);
              // The padding between rows is untouched.
              if (i < m - 1) expect(data[5 + i * rs + n]).toBe(1);
            }
            expect(data[4]).toBe(1);
          }
        }
      }
    }
  });
});
