import { describe, expect, it } from 'vitest';
import * as T from '@actgrad/tensor';
import { tensor, type DType, type Tensor } from '@actgrad/tensor';
import { build, forEachBackend, indices, maxDiff, randomTensor, seeded, stridedCopy } from './helpers.js';

type Ref = (values: number[]) => number;
const REFS: Record<'sum' | 'mean' | 'max' | 'min' | 'logSumExp', Ref> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  mean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  logSumExp: (v) => Math.log(v.reduce((a, b) => a + Math.exp(b), 0)),
};

function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) out.push([...Array(n).keys()].filter((i) => mask & (1 << i)));
  return out;
}

// Brute force: for each output index, gather the input elements whose kept coordinates match.
function reference(x: Tensor, axes: number[], keepDims: boolean, f: Ref) {
  const keepShape = x.shape.map((n, d) => (axes.includes(d) ? 1 : n));
  const outShape = keepDims ? keepShape : x.shape.filter((_, d) => !axes.includes(d));
  return build(outShape, (idx) => {
    const full = keepDims ? idx : [];
    if (!keepDims) for (let d = 0, j = 0; d < x.ndim; d++) full.push(axes.includes(d) ? 0 : idx[j++]!);
    const values: number[] = [];
    for (const src of indices(x.shape)) if (src.every((v, d) => axes.includes(d) || v === full[d])) values.push(x.get(...src));
    return f(values);
  });
}

// Every registered backend's kernels against the same references.
forEachBackend('kernels', () => {

  describe('reductions on every axis combination', () => {
    for (const [name, f] of Object.entries(REFS)) {
      it(`${name} over 3-D and 4-D tensors, every layout, keepDims on and off`, () => {
        const rng = seeded(`reduce-${name}`);
        const fn = T[name as keyof typeof REFS];
        const layouts = ['transposed', 'padded', 'reversed'] as const;
        for (const [i, shape] of [[2, 3, 4], [3, 1, 2, 4]].entries()) {
          for (const dtype of ['float64', 'float32'] as DType[]) {
            const base = randomTensor(rng, shape, dtype);
            for (const x of [base, stridedCopy(base, layouts[i]!), stridedCopy(base, layouts[i + 1]!)]) {
              const tol = dtype === 'float32' ? 1e-5 : 1e-12;
              for (const axes of subsets(shape.length)) {
                for (const keepDims of [false, true]) {
                  const expected = reference(x, axes, keepDims, f);
                  const r = fn(x, axes, keepDims);
                  expect(maxDiff(r.toArray(), expected)).toBeLessThanOrEqual(tol);
                  expect(r.dtype).toBe(dtype);
                }
              }
              // A single axis as a number, negative axes, and all axes by default.
              expect(maxDiff(fn(x, -1).toArray(), reference(x, [x.ndim - 1], false, f))).toBeLessThanOrEqual(tol);
              expect(maxDiff(x[name as keyof typeof REFS](1, true).toArray(), reference(x, [1], true, f))).toBeLessThanOrEqual(tol);
              expect(fn(x).ndim).toBe(0);
              expect(Math.abs(fn(x).item() - f(x.toArray().toString().split(',').map(Number)))).toBeLessThanOrEqual(tol * 10);
            }
          }
        }
      });
    }

    it('sum over a large contiguous axis accumulates in double precision', () => {
      const x = T.full([100_000], 0.1);
      expect(Math.abs(x.sum().item() - 100_000 * Math.fround(0.1))).toBeLessThan(1e-2);
    });
  });

  describe('logSumExp stability', () => {
    it('stays finite at ±1000', () => {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const x = tensor([[1000, 1000, 999], [-1000, -1000, -1001]], { dtype });
        const r = T.logSumExp(x, 1).toArray() as number[];
        const tail = Math.log(2 + Math.exp(-1));
        expect(r[0]).toBeCloseTo(1000 + tail, dtype === 'float32' ? 3 : 10);
        expect(r[1]).toBeCloseTo(-1000 + tail, dtype === 'float32' ? 3 : 10);
        expect(T.logSumExp(x.transpose(), 0, true).shape).toEqual([1, 2]);
      }
    });
    it('handles infinite entries', () => {
      const x = tensor([[-Infinity, -Infinity], [Infinity, 0], [-Infinity, 0]], { dtype: 'float64' });
      expect(T.logSumExp(x, 1).toArray()).toEqual([-Infinity, Infinity, 0]);
      expect(T.logSumExp(T.zeros([2, 0]), 1).toArray()).toEqual([-Infinity, -Infinity]);
    });
  });

  describe('argmax', () => {
    it('finds the first maximum along each axis', () => {
      const rng = seeded('argmax');
      for (const shape of [[5], [3, 4], [2, 3, 4]]) {
        const x = stridedCopy(randomTensor(rng, shape), 'transposed');
        for (let axis = 0; axis < shape.length; axis++) {
          const expected = build(shape.filter((_, d) => d !== axis), (idx) => {
            let best = -Infinity, at = -1;
            for (let i = 0; i < shape[axis]!; i++) {
              const src = [...idx.slice(0, axis), i, ...idx.slice(axis)];
              if (x.get(...src) > best) (best = x.get(...src)), (at = i);
            }
            return at;
          });
          expect(T.argmax(x, axis).toArray()).toEqual(expected);
          expect(x.argmax(axis - shape.length, true).shape).toEqual(shape.map((n, d) => (d === axis ? 1 : n)));
        }
      }
      const t = tensor([[1, 9, 9], [7, 2, NaN]]);
      expect(t.argmax(1).toArray()).toEqual([1, 2]);
      expect(t.argmax(0).toArray()).toEqual([1, 0, 1]);
      expect(tensor([[1, 9], [9, 3]]).transpose().argmax().item()).toBe(1);
    });
  });
});

describe('sumTo and reduction errors', () => {
  it('sumTo is the adjoint of expand', () => {
    const rng = seeded('sumTo');
    const g = randomTensor(rng, [2, 3, 4]);
    for (const shape of [[3, 4], [1, 4], [3, 1], [2, 1, 4], [1, 1, 1], [], [2, 3, 4]]) {
      const r = T.sumTo(g, shape);
      expect(r.shape).toEqual(shape);
      const lead = 3 - shape.length;
      const axes = [0, 1, 2].filter((d) => d < lead || shape[d - lead] === 1);
      const expected = T.reshape(T.sum(g, axes, true), shape);
      expect(maxDiff(r.toArray(), expected.toArray())).toBeLessThan(1e-12);
    }
    expect(() => T.sumTo(g, [2, 4])).toThrow('sumTo: cannot sum shape [2,3,4] to [2,4] (axis 1: 3 vs 2)');
    expect(() => T.sumTo(g, [1, 2, 3, 4])).toThrow('sumTo: cannot sum shape [2,3,4] to [1,2,3,4] (more axes)');
  });
  it('refuses bad axes and empty reductions', () => {
    const x = T.zeros([2, 3]);
    expect(() => T.sum(x, 2)).toThrow('sum: axis 2 out of range for a tensor of 2 dimensions');
    expect(() => T.mean(x, [0, -2])).toThrow('mean: axis -2 given twice');
    expect(() => T.max(T.zeros([0, 3]), 0)).toThrow('max: cannot reduce an empty axis of shape [0,3]');
    expect(T.sum(T.zeros([0, 3]), 0).toArray()).toEqual([0, 0, 0]);
    expect(() => T.argmax(x, 5)).toThrow(RangeError);
  });
});
