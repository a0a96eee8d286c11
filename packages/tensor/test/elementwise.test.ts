import { describe, expect, it } from 'vitest';
import * as T from '@actgrad/tensor';
import { Tensor, tensor, type DType, type NestedArray, type Rng } from '@actgrad/tensor';
import { at, build, forEachBackend, maxDiff, randomShape, seeded, stridedCopy } from './helpers.js';

const nanMax = (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y));
const nanMin = (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y));
const BINARY = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
  pow: (x: number, y: number) => Math.pow(x, y),
  maximum: nanMax,
  minimum: nanMin,
  eq: (x: number, y: number) => +(x === y),
  ne: (x: number, y: number) => +(x !== y),
  lt: (x: number, y: number) => +(x < y),
  le: (x: number, y: number) => +(x <= y),
  gt: (x: number, y: number) => +(x > y),
  ge: (x: number, y: number) => +(x >= y),
} satisfies Record<T.BinaryOp, (x: number, y: number) => number>;

const UNARY = {
  neg: (x: number) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: Math.sign,
  square: (x: number) => x * x,
  reciprocal: (x: number) => 1 / x,
  log1p: Math.log1p,
  expm1: Math.expm1,
} satisfies Record<Exclude<T.UnaryOp, 'copy' | 'tanh' | 'sigmoid' | 'relu'>, (x: number) => number>;
// tanh, sigmoid and relu are kernel primitives with no tensor function (activations live in
// autograd); test/wasm-math.test.ts checks the wasm ones against Math.

const LAYOUTS = ['contiguous', 'transposed', 'padded', 'reversed'] as const;

// Values on a 0.25 grid in [-2, 2]: ties for comparisons, zeros for division, negatives for
// log and sqrt (NaN must match NaN), and exact float32 inputs.
function gridTensor(rng: Rng, shape: number[], dtype: DType, layout: (typeof LAYOUTS)[number]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.round(rng() * 16 - 8) / 4;
  const t = tensor(data, { shape });
  return layout === 'contiguous' ? t : stridedCopy(t, layout);
}

// Two shapes that broadcast to `out`: leading axes dropped, some axes set to 1.
function broadcastPair(rng: Rng): [number[], number[], number[]] {
  const out = randomShape(rng, Math.floor(rng() * 5));
  const derive = () => {
    const drop = Math.floor(rng() * (out.length + 1));
    return out.slice(drop).map((n) => (rng() < 0.3 ? 1 : n));
  };
  const a = derive(), b = derive();
  // The naive broadcast of the two derived shapes (they may have dropped or 1-ed an axis both).
  const nd = Math.max(a.length, b.length);
  const result = Array.from({ length: nd }, (_, i) => {
    const x = a[a.length - nd + i] ?? 1, y = b[b.length - nd + i] ?? 1;
    return x === 1 ? y : x;
  });
  return [result, a, b];
}

function reference(shape: number[], a: NestedArray, aShape: number[], b: NestedArray, bShape: number[], f: (x: number, y: number) => number): NestedArray {
  const pick = (v: NestedArray, s: number[], idx: number[]) => at(v, idx.slice(idx.length - s.length).map((i, d) => (s[d] === 1 ? 0 : i)));
  return build(shape, (idx) => f(pick(a, aShape, idx), pick(b, bShape, idx)));
}

function close(actual: NestedArray, expected: NestedArray, dtype: DType): void {
  // float32 results are rounded once from the double result.
  const tol = dtype === 'float32' ? 1e-6 : 1e-15;
  const scale = (v: NestedArray): NestedArray => (typeof v === 'number' ? (Number.isFinite(v) ? v / Math.max(1, Math.abs(v)) : v) : v.map(scale));
  expect(maxDiff(scale(actual), scale(expected))).toBeLessThanOrEqual(tol);
}

// Every registered backend's kernels (js, and wasm where it runs) against the same references.
forEachBackend('kernels', () => {

  describe('binary ops against a naive reference', () => {
    for (const [name, f] of Object.entries(BINARY)) {
      it(`${name}: random broadcast shapes, layouts, dtypes and scalars`, () => {
        const rng = seeded(`binary-${name}`);
        const fn = T[name as keyof typeof BINARY];
        for (let trial = 0; trial < 40; trial++) {
          const dtype: DType = trial % 2 ? 'float32' : 'float64';
          const [out, sa, sb] = broadcastPair(rng);
          const a = gridTensor(rng, sa, dtype, LAYOUTS[trial % 4]!);
          const b = gridTensor(rng, sb, dtype, LAYOUTS[(trial >> 2) % 4]!);
          const expected = reference(out, a.toArray(), sa, b.toArray(), sb, f);
          const r = fn(a, b);
          expect(r.shape).toEqual(out);
          expect(r.dtype).toBe(dtype);
          close(r.toArray(), expected, dtype);
          // The method form, and `out`.
          const o = T.empty(out, dtype);
          expect(a[name as keyof typeof BINARY](b, o)).toBe(o);
          close(o.toArray(), expected, dtype);
          // Scalars on either side.
          const s = Math.round(rng() * 8 - 4) / 2;
          close(fn(a, s).toArray(), reference(sa, a.toArray(), sa, s, [], f), dtype);
          close(fn(s, a).toArray(), reference(sa, s, [], a.toArray(), sa, f), dtype);
        }
      });
    }
    it('NaN propagates through maximum and minimum', () => {
      const a = tensor([NaN, 1, 2]);
      expect(T.maximum(a, tensor([0, NaN, 3])).toArray()).toEqual([NaN, NaN, 3]);
      expect(T.minimum(a, 1.5).toArray()).toEqual([NaN, 1, 1.5]);
    });
  });

  describe('unary ops against a naive reference', () => {
    for (const [name, f] of Object.entries(UNARY)) {
      it(`${name}: every layout, both dtypes`, () => {
        const rng = seeded(`unary-${name}`);
        const fn = T[name as keyof typeof UNARY];
        for (let trial = 0; trial < 16; trial++) {
          const dtype: DType = trial % 2 ? 'float32' : 'float64';
          const shape = randomShape(rng, 1 + (trial % 4));
          const x = gridTensor(rng, shape, dtype, LAYOUTS[(trial >> 1) % 4]!);
          const expected = build(shape, (idx) => f(x.get(...idx)));
          close(fn(x).toArray(), expected, dtype);
          const o = T.empty(shape, dtype);
          x[name as keyof typeof UNARY](o);
          close(o.toArray(), expected, dtype);
        }
      });
    }
    it('long float32 runs (the native kernels on the wasm backend) stay within 1 ulp of double math', () => {
      const rng = seeded('long-runs');
      const n = 1031;
      const x = T.tensor(Float32Array.from({ length: n }, () => rng() * 40 - 20), { shape: [n] });
      const y = T.tensor(Float32Array.from({ length: n }, () => rng() * 4 - 2), { shape: [n] });
      const positive = T.abs(x);
      const within1Ulp = (got: Tensor, f: (i: number) => number) => {
        const g = got.data as Float32Array;
        for (let i = 0; i < n; i++) {
          const want = f(i), exact = Math.fround(want);
          const ulp = Math.abs(exact - Math.fround(exact * (1 + 2 ** -23))) || 2 ** -149;
          if (!(Math.abs(g[got.offset + i]! - want) <= ulp)) throw new Error(`element ${i}: ${g[got.offset + i]} vs ${want}`);
        }
      };
      const xs = x.data, ys = y.data, ps = positive.data;
      within1Ulp(T.exp(x), (i) => Math.exp(xs[i]!));
      within1Ulp(T.log(positive), (i) => Math.log(ps[i]!));
      within1Ulp(T.pow(positive, y), (i) => Math.pow(ps[i]!, ys[i]!));
      within1Ulp(T.pow(positive, 1 / 3), (i) => Math.pow(ps[i]!, 1 / 3));
      within1Ulp(T.maximum(x, 0.1), (i) => Math.max(xs[i]!, 0.1));
      within1Ulp(T.clamp(x, -1e-7, 1 - 1e-7), (i) => Math.min(Math.max(xs[i]!, -1e-7), 1 - 1e-7));
      // logSumExp over the long axis (one row sum) and over the short one (elementwise folds).
      const m = T.tensor(Float32Array.from({ length: 2 * n }, () => rng() * 200 - 100), { shape: [2, n] });
      const md = m.data;
      const lse = (values: number[]) => { const top = Math.max(...values); return top + Math.log(values.reduce((s, v) => s + Math.exp(v - top), 0)); };
      const rows = T.logSumExp(m, 1).toArray() as number[];
      for (let r = 0; r < 2; r++) expect(Math.abs(rows[r]! / lse(Array.from(md.subarray(r * n, (r + 1) * n))) - 1)).toBeLessThan(2 ** -22);
      const cols = T.logSumExp(m, 0).data;
      for (let c = 0; c < n; c++) expect(Math.abs(cols[c]! - lse([md[c]!, md[n + c]!]))).toBeLessThanOrEqual(Math.abs(cols[c]!) * 2 ** -23);
    });
  });
});

describe('where and clamp', () => {
  it('where broadcasts the condition and both branches', () => {
    const cond = tensor([[1], [0]]);
    const a = tensor([10, 20, 30]);
    expect(T.where(cond, a, -1).toArray()).toEqual([[10, 20, 30], [-1, -1, -1]]);
    expect(cond.where(0, a.transpose()).toArray()).toEqual([[0, 0, 0], [10, 20, 30]]);
    expect(T.where(tensor([0, 2, NaN]), 1, 0).toArray()).toEqual([0, 1, 1]);
    expect(() => T.where(cond, a, tensor([1], { dtype: 'float64' }))).toThrow('where: dtypes float32 and float64 differ');
  });
  it('clamp limits to [min, max], open on a null side', () => {
    const x = tensor([[-3, -0.5], [0.5, 3]]).transpose();
    expect(T.clamp(x, -1, 1).toArray()).toEqual([[-1, 0.5], [-0.5, 1]]);
    expect(x.clamp(null, 0).toArray()).toEqual([[-3, 0], [-0.5, 0]]);
    expect(() => T.clamp(x, 2, 1)).toThrow('clamp: min 2 is greater than max 1');
  });
});

describe('in-place ops', () => {
  it('addScaled, scaleInPlace, fill and copyInto write into existing storage', () => {
    const w = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const data = w.data;
    expect(T.addScaled(w, tensor([[1, 1, 1], [2, 2, 2]], { dtype: 'float64' }), -0.5)).toBe(w);
    expect(w.toArray()).toEqual([[0.5, 1.5, 2.5], [3, 4, 5]]);
    T.addScaled(w, tensor([10, 20, 30], { dtype: 'float64' }), 0.1);
    expect(w.toArray()).toEqual([[1.5, 3.5, 5.5], [4, 6, 8]]);
    T.scaleInPlace(w.slice(null, [null, null, 2]), 2);
    expect(w.toArray()).toEqual([[3, 3.5, 11], [8, 6, 16]]);
    T.fill(w.transpose().slice(1), 0);
    expect(w.toArray()).toEqual([[3, 0, 11], [8, 0, 16]]);
    T.copyInto(w, tensor([[7], [9]], { dtype: 'float64' }));
    expect(w.toArray()).toEqual([[7, 7, 7], [9, 9, 9]]);
    T.addScaled(w.transpose(), tensor([[1, 2]], { dtype: 'float64' }).transpose().expand([2, 3]).transpose(), 1);
    expect(w.toArray()).toEqual([[8, 8, 8], [11, 11, 11]]);
    expect(w.data).toBe(data);
  });
  it('refuses broadcast targets, shape and dtype mismatches', () => {
    const w = T.zeros([2, 3]);
    expect(() => T.addScaled(w, T.ones([3, 2]), 1)).toThrow('addScaled: shapes [2,3] and [3,2] cannot broadcast (axis -1: 3 vs 2)');
    expect(() => T.addScaled(w, T.ones([2, 2, 3]), 1)).toThrow('addScaled: source of shape [2,2,3] does not broadcast to target shape [2,3]');
    expect(() => T.addScaled(w, T.ones([2, 3], 'float64'), 1)).toThrow('addScaled: dtypes float32 and float64 differ (cast one with astype)');
    expect(() => T.fill(T.zeros([1, 3]).expand([2, 3]), 1)).toThrow('fill: target of shape [2,3] is a broadcast view (stride 0 on axis 0)');
  });
});

describe('errors at the boundary', () => {
  it('names both shapes and the axis', () => {
    expect(() => T.add(T.zeros([2, 3]), T.zeros([4]))).toThrow('add: shapes [2,3] and [4] cannot broadcast (axis -1: 3 vs 4)');
    expect(() => T.mul(T.zeros([5, 2, 3]), T.zeros([4, 1, 3]))).toThrow('mul: shapes [5,2,3] and [4,1,3] cannot broadcast (axis -3: 5 vs 4)');
  });
  it('refuses mixed dtypes, bad out and non-tensors', () => {
    const a = T.zeros([2]);
    expect(() => T.sub(a, T.zeros([2], 'float64'))).toThrow('sub: dtypes float32 and float64 differ (cast one with astype)');
    expect(() => T.add(a, a, T.zeros([3]))).toThrow('add: out has shape [3] but the result has shape [2]');
    expect(() => T.add(a, a, T.zeros([2], 'float64'))).toThrow('add: out has dtype float64 but the result has dtype float32');
    expect(() => T.add(a, a, T.zeros([2, 2]).slice(null, 0))).toThrow('add: out must be contiguous');
    expect(() => T.add(a, [1, 2] as never)).toThrow('add: second operand must be a Tensor or a number, got an array (wrap it with tensor())');
    expect(() => T.add(1 as never, 2)).toThrow('add: at least one operand must be a Tensor');
    expect(() => T.exp('x' as never)).toThrow('exp: input must be a Tensor, got string x');
  });
  it('broadcastShapes follows NumPy', () => {
    expect(T.broadcastShapes([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(T.broadcastShapes([], [3])).toEqual([3]);
    expect(T.broadcastShapes([0, 1], [1, 5])).toEqual([0, 5]);
    expect(() => T.broadcastShapes([2], [3])).toThrow('broadcastShapes: shapes [2] and [3] cannot broadcast (axis -1: 2 vs 3)');
  });
});
