import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import * as T from '@actgrad/tensor';
import { tensor } from '@actgrad/tensor';

describe('tensor()', () => {
  it('builds from nested arrays, numbers and typed arrays, copying the values', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor(2.5).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    const src = new Float64Array([1, 2, 3, 4]);
    const d = tensor(src, { shape: [2, 2] });
    expect(d.dtype).toBe('float64');
    expect(d.toArray()).toEqual([[1, 2], [3, 4]]);
    src[0] = 9;
    expect(d.get(0, 0)).toBe(1);
    expect(tensor(src, { dtype: 'float32' }).data).toBeInstanceOf(Float32Array);
    expect(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });
  it('refuses ragged and non-numeric input with the position', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: element [1] has length 1, expected 2');
    expect(() => tensor([[1, 2], 3] as never)).toThrow('tensor: ragged nested array: element [1] is number, expected an array of length 2');
    expect(() => tensor([[1, [2]], [3, 4]] as never)).toThrow('tensor: element [0,1] is an array, expected a number');
    expect(() => tensor([1, '2'] as never)).toThrow('tensor: element [1] is string "2", expected a number');
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow('tensor: 3 values do not fill shape [2,2] (4 elements)');
    expect(() => tensor([1], { dtype: 'int8' as never })).toThrow("tensor: unknown dtype 'int8' (valid: float32, float64)");
  });
});

describe('creation functions', () => {
  it('zeros, ones, full, empty, eye', () => {
    expect(T.zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(T.ones([3], 'float64').data).toBeInstanceOf(Float64Array);
    expect(T.ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(T.full([2], -1.5).toArray()).toEqual([-1.5, -1.5]);
    expect(T.empty([4, 5]).shape).toEqual([4, 5]);
    expect(T.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(T.eye(3).sum().item()).toBe(3);
    expect(() => T.zeros([2, -1])).toThrow('zeros: shape [2,-1] has an invalid size -1 at axis 1');
    expect(() => T.ones([1.5])).toThrow(TypeError);
  });
  it('arange and linspace', () => {
    expect(T.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(T.arange(1, 2, 0.25, 'float64').toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(T.arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(T.arange(3, 1).toArray()).toEqual([]);
    expect(() => T.arange(0, 5, 0)).toThrow('arange: step must be nonzero');
    expect(T.linspace(0, 1, 5, 'float64').toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(T.linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(T.linspace(-1, 1, 7).get(6)).toBe(1);
  });
});

describe('seeded random', () => {
  it('the same seed gives seedrandom\'s sequence, on every machine', () => {
    const ref = seedrandom('42');
    const expected = Array.from({ length: 6 }, () => ref());
    expect(Array.from(T.rand([2, 3], { seed: '42', dtype: 'float64' }).data)).toEqual(expected);
    expect(Array.from(T.rand([6], { seed: 42, dtype: 'float64' }).data)).toEqual(expected);
    const rng = T.createRng('42');
    expect([rng(), rng()]).toEqual(expected.slice(0, 2));
    expect(T.uniform([3], -2, 2, { seed: 7 }).toArray()).toEqual(T.uniform([3], -2, 2, { seed: 7 }).toArray());
    expect(T.randn([3], { seed: 1 }).toArray()).toEqual(T.randn([3], { seed: 1 }).toArray());
    expect(T.randn([3], { seed: 1 }).toArray()).not.toEqual(T.randn([3], { seed: 2 }).toArray());
  });
  it('a shared rng advances across calls', () => {
    const rng = T.createRng('shared');
    const a = T.rand([4], { rng, dtype: 'float64' });
    const b = T.rand([4], { rng, dtype: 'float64' });
    const ref = seedrandom('shared');
    expect([...a.data, ...b.data]).toEqual(Array.from({ length: 8 }, () => ref()));
  });
  it('uniform stays in [low, high); randn has mean 0 and variance 1', () => {
    const u = T.uniform([10_000], -3, 5, { seed: 'u', dtype: 'float64' });
    expect(u.min().item()).toBeGreaterThanOrEqual(-3);
    expect(u.max().item()).toBeLessThan(5);
    expect(u.mean().item()).toBeCloseTo(1, 1);
    const z = T.randn([100_001], { seed: 'z', dtype: 'float64' });
    const mean = z.mean().item();
    const variance = T.square(z.sub(mean)).mean().item();
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    // About 68.3% within one standard deviation.
    expect(T.lt(T.abs(z), 1).mean().item()).toBeCloseTo(0.6827, 2);
  });
  it('refuses bad options', () => {
    expect(() => T.rand([2], { rng: 5 as never })).toThrow('rand: rng must be a function');
    expect(() => T.createRng({} as never)).toThrow('createRng: seed must be a string or number');
  });
});

describe('toString', () => {
  it('shows values, dtype and shape', () => {
    expect(tensor([[1, 2], [3, 40]]).toString()).toBe('tensor([[ 1,  2],\n        [ 3, 40]], dtype=float32, shape=[2,2])');
    expect(tensor(0.5, { dtype: 'float64' }).toString()).toBe('tensor(0.5000, dtype=float64, shape=[])');
    expect(tensor([1e-7, NaN, -Infinity]).toString()).toBe('tensor([1.0000e-7,       nan,      -inf], dtype=float32, shape=[3])');
    expect(String(T.zeros([2, 1, 2]))).toBe('tensor([[[0, 0]],\n\n        [[0, 0]]], dtype=float32, shape=[2,1,2])');
  });
  it('summarises large tensors', () => {
    const s = T.arange(2000).reshape([2, 1000]).toString();
    expect(s).toBe('tensor([[   0,    1,    2, ...,  997,  998,  999],\n        [1000, 1001, 1002, ..., 1997, 1998, 1999]], dtype=float32, shape=[2,1000])');
  });
});
