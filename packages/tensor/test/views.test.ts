import { describe, expect, it } from 'vitest';
import * as T from '@actgrad/tensor';
import { arange, Tensor, tensor, zeros } from '@actgrad/tensor';
import { at, build, indices, permutations } from './helpers.js';

// A tensor whose every element equals its row-major linear index in `shape`: the brute-force
// reference for any view is then plain index arithmetic on the source position.
function iota(shape: number[]): Tensor {
  return arange(shape.reduce((a, b) => a * b, 1), undefined, 1, 'float64').reshape(shape);
}
function linear(shape: readonly number[], idx: readonly number[]): number {
  let s = 0;
  for (let d = 0; d < shape.length; d++) s = s * shape[d]! + idx[d]!;
  return s;
}
/** Checks a view three ways: get(), toArray() and a contiguous copy, against `ref(idx)`. */
function expectView(view: Tensor, shape: number[], ref: (idx: number[]) => number): void {
  expect(view.shape).toEqual(shape);
  const expected = build(shape, ref);
  expect(view.toArray()).toEqual(expected);
  expect(view.contiguous().toArray()).toEqual(expected);
  expect(view.clone().isContiguous()).toBe(true);
  for (const idx of indices(shape)) expect(view.get(...idx)).toBe(ref(idx));
}

const SHAPES = [[5], [2, 3], [2, 3, 4], [2, 3, 1, 4]];

describe('permute / transpose', () => {
  for (const shape of SHAPES) {
    it(`every permutation of ${JSON.stringify(shape)}`, () => {
      const x = iota(shape);
      for (const p of permutations(shape.length)) {
        const v = x.permute(p);
        expect(v.data).toBe(x.data);
        expectView(v, p.map((a) => shape[a]!), (idx) => {
          const src = new Array<number>(shape.length);
          p.forEach((a, i) => (src[a] = idx[i]!));
          return linear(shape, src);
        });
        // transpose(...axes) is permute, negative axes allowed.
        expect(x.transpose(...p.map((a) => a - shape.length)).toArray()).toEqual(v.toArray());
        // Permuting back gives the original layout.
        const inv = p.map((_, i) => p.indexOf(i));
        expect(v.permute(inv).strides).toEqual(x.strides);
      }
    });
  }
  it('large transposed copies (tiled) match brute force, including reversed axes', () => {
    const shape = [70, 45];
    const x = iota(shape);
    expectView(x.transpose(), [45, 70], ([i, j]) => linear(shape, [j!, i!]));
    expectView(x.transpose().slice([null, null, -1], [null, null, -1]), [45, 70], ([i, j]) => linear(shape, [69 - j!, 44 - i!]));
    const y = iota([3, 40, 33]);
    expectView(y.permute([0, 2, 1]), [3, 33, 40], ([a, i, j]) => linear([3, 40, 33], [a!, j!, i!]));
    expectView(y.permute([2, 0, 1]), [33, 3, 40], ([i, a, j]) => linear([3, 40, 33], [a!, j!, i!]));
  });
  it('transpose() reverses the axes', () => {
    const x = iota([2, 3, 4]);
    expectView(x.transpose(), [4, 3, 2], ([i, j, k]) => linear([2, 3, 4], [k!, j!, i!]));
  });
  it('refuses bad permutations', () => {
    const x = iota([2, 3]);
    expect(() => x.permute([0])).toThrow('permute: expected 2 axes for shape [2,3], got [0]');
    expect(() => x.permute([0, 0])).toThrow('permute: axis 0 appears twice in [0,0]');
    expect(() => x.permute([0, 2])).toThrow(RangeError);
  });
});

describe('slice', () => {
  const shape = [4, 5, 3];
  const x = iota(shape);
  const cases: Array<[string, Parameters<Tensor['slice']>, number[], (idx: number[]) => number[]]> = [
    ['ranges', [[1, 3], null, [0, 2]], [2, 5, 2], ([i, j, k]) => [i! + 1, j!, k!]],
    ['negative step', [[null, null, -1]], [4, 5, 3], ([i, j, k]) => [3 - i!, j!, k!]],
    ['negative step with bounds', [null, [4, 0, -2]], [4, 2, 3], ([i, j, k]) => [i!, 4 - 2 * j!, k!]],
    ['step 2 and index', [[0, null, 2], 2], [2, 3], ([i, k]) => [2 * i!, 2, k!]],
    ['negative index and bounds', [-1, [-4, -1]], [3, 3], ([j, k]) => [3, j! + 1, k!]],
    ['clamped bounds', [[-100, 100], [3, 100, 1], [5, null, -1]], [4, 2, 3], ([i, j, k]) => [i!, j! + 3, 2 - k!]],
    ['all reversed', [[null, null, -1], [null, null, -2], [null, null, -1]], [4, 3, 3], ([i, j, k]) => [3 - i!, 4 - 2 * j!, 2 - k!]],
    ['empty range', [[3, 1]], [0, 5, 3], () => [0, 0, 0]],
  ];
  for (const [name, specs, outShape, src] of cases) {
    it(name, () => {
      const v = x.slice(...specs);
      expect(v.data).toBe(x.data);
      expectView(v, outShape, (idx) => linear(shape, src(idx)));
    });
  }
  it('slices of slices compose, including after a transpose', () => {
    const v = x.transpose(2, 0, 1).slice([null, null, -1], [1, 4], [null, null, -2]);
    expectView(v, [3, 3, 3], ([k, i, j]) => linear(shape, [i! + 1, 4 - 2 * j!, 2 - k!]));
    const w = v.slice(1, [null, null, -1]);
    expectView(w, [3, 3], ([i, j]) => linear(shape, [3 - i!, 4 - 2 * j!, 1]));
  });
  it('refuses out-of-range indices, zero steps and too many specs', () => {
    expect(() => x.slice(5)).toThrow('slice: index 5 out of range for axis 0 of size 4');
    expect(() => x.slice(null, -6)).toThrow('slice: index -6 out of range for axis 1 of size 5');
    expect(() => x.slice([0, 2, 0])).toThrow('slice: step 0 for axis 0');
    expect(() => x.slice(0, 0, 0, 0)).toThrow('slice: 4 specs for a tensor of shape [4,5,3]');
    expect(() => x.slice(1.5)).toThrow(TypeError);
  });
});

describe('squeeze / unsqueeze / expand', () => {
  it('squeeze and unsqueeze move no data', () => {
    const x = iota([2, 1, 3, 1]);
    expectView(x.squeeze(), [2, 3], ([i, j]) => linear([2, 3], [i!, j!]));
    expectView(x.squeeze(1), [2, 3, 1], ([i, j]) => linear([2, 3], [i!, j!]));
    expectView(x.squeeze(-1), [2, 1, 3], ([i, , j]) => linear([2, 3], [i!, j!]));
    const y = iota([2, 3]).transpose();
    expectView(y.unsqueeze(0), [1, 3, 2], ([, i, j]) => linear([2, 3], [j!, i!]));
    expectView(y.unsqueeze(-1), [3, 2, 1], ([i, j]) => linear([2, 3], [j!, i!]));
    expectView(y.unsqueeze(1), [3, 1, 2], ([i, , j]) => linear([2, 3], [j!, i!]));
    expect(() => x.squeeze(0)).toThrow('squeeze: axis 0 of shape [2,1,3,1] has size 2, not 1');
    expect(() => y.unsqueeze(4)).toThrow(RangeError);
  });
  it('expand and broadcastTo give stride 0 on repeated axes', () => {
    const x = iota([3, 1]);
    const v = x.expand([2, 3, 4]);
    expect(v.strides).toEqual([0, 1, 0]);
    expect(v.data).toBe(x.data);
    expectView(v, [2, 3, 4], ([, i]) => i!);
    expectView(x.broadcastTo([3, 5]), [3, 5], ([i]) => i!);
    expectView(x.expand([-1, 2]), [3, 2], ([i]) => i!);
    // A broadcast view of a transposed, reversed view.
    const t = iota([2, 3]).transpose().slice([null, null, -1]).unsqueeze(1).expand([3, 4, 2]);
    expectView(t, [3, 4, 2], ([i, , j]) => linear([2, 3], [j!, 2 - i!]));
    expect(() => x.expand([3, 2, 2].slice(1))).toThrow('expand: cannot expand shape [3,1] to [2,2] (axis 0: 3 vs 2)');
    expect(() => x.broadcastTo([4])).toThrow('broadcastTo: cannot expand shape [3,1] to [4] (fewer axes)');
  });
});

describe('reshape', () => {
  it('is a view when the layout allows', () => {
    const x = iota([2, 3, 4]);
    const cases: number[][] = [[24], [6, 4], [2, 12], [4, 3, 2], [2, 3, 2, 2], [1, 24, 1], [-1, 4], [2, -1]];
    for (const shape of cases) {
      const v = x.reshape(shape);
      expect(v.data).toBe(x.data);
      const resolved = shape.map((n) => (n === -1 ? 24 / shape.filter((m) => m !== -1).reduce((a, b) => a * b, 1) : n));
      expectView(v, resolved, (idx) => linear(resolved, idx));
    }
    // Splitting or merging axes of a strided view keeps it a view when each merged run is contiguous.
    const s = iota([4, 6]).slice([null, null, 2]);
    const r = s.reshape([2, 2, 3]);
    expect(r.data).toBe(s.data);
    expectView(r, [2, 2, 3], ([a, b, c]) => linear([4, 6], [2 * a!, 3 * b! + c!]));
    const base = iota([2, 3, 4]);
    const m = base.slice(null, null, [null, null, 2]).reshape([6, 2]);
    expect(m.data).toBe(base.data);
    expectView(m, [6, 2], ([i, j]) => linear([2, 3, 4], [Math.floor(i! / 3), i! % 3, 2 * j!]));
    const u = iota([2, 3]).transpose().unsqueeze(0);
    expect(u.reshape([3, 1, 2]).data).toBe(u.data);
  });
  it('copies once when the layout cannot be expressed as strides', () => {
    const x = iota([2, 3]).transpose();
    const v = x.reshape([6]);
    expect(v.data).not.toBe(x.data);
    expectView(v, [6], ([i]) => linear([2, 3], [i! % 2, Math.floor(i! / 2)]));
    const b = iota([3]).expand([2, 3]).reshape([6]);
    expect(b.toArray()).toEqual([0, 1, 2, 0, 1, 2]);
  });
  it('refuses sizes that do not match', () => {
    const x = iota([2, 3]);
    expect(() => x.reshape([4])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4] (4 elements)');
    expect(() => x.reshape([-1, -1])).toThrow('reshape: only one -1 allowed in [-1,-1]');
    expect(() => x.reshape([4, -1])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4,-1]');
  });
});

describe('element access and conversion', () => {
  it('get / set / item / toArray honour strides and negative indices', () => {
    const x = zeros([2, 3], 'float64');
    const t = x.transpose();
    t.set([2, 1], 7);
    t.set([-3, 0], -1);
    expect(x.toArray()).toEqual([[-1, 0, 0], [0, 0, 7]]);
    expect(t.get(-1, -1)).toBe(7);
    expect(x.slice(1, 2).item()).toBe(7);
    expect(x.slice(1, 2).ndim).toBe(0);
    expect(tensor(5).toArray()).toBe(5);
    expect(() => x.get(2, 0)).toThrow('get: index 2 out of range for axis 0 of size 2');
    expect(() => x.get(0)).toThrow('get: expected 2 indices for shape [2,3], got [0]');
    expect(() => x.set([0, 3], 1)).toThrow('set: index 3 out of range for axis 1 of size 3');
    expect(() => x.item()).toThrow('item: tensor of shape [2,3] has 6 elements, not 1');
  });
  it('astype and clone copy into fresh row-major storage', () => {
    const x = tensor([[1.5, 2], [3, 4]], { dtype: 'float64' }).transpose();
    const y = x.astype('float32');
    expect(y.dtype).toBe('float32');
    expect(y.data).toBeInstanceOf(Float32Array);
    expect(y.toArray()).toEqual([[1.5, 3], [2, 4]]);
    const c = x.clone();
    c.set([0, 0], 9);
    expect(x.get(0, 0)).toBe(1.5);
    expect(() => x.astype('int32' as never)).toThrow("astype: unknown dtype 'int32' (valid: float32, float64)");
  });
  it('the Tensor constructor wraps storage and refuses layouts that reach outside it', () => {
    const data = new Float32Array(6);
    const t = new Tensor(data, [3, 2], [1, 3]);
    t.set([2, 1], 4);
    expect(data[5]).toBe(4);
    expect(new Tensor(data, [2, 3], [-3, -1], 5).get(0, 0)).toBe(4);
    expect(() => new Tensor(data, [2, 4])).toThrow('Tensor: shape [2,4] with strides [4,1] and offset 0 reaches outside storage of 6 elements');
    expect(() => new Tensor(data, [2, 3], [-3, 1], 2)).toThrow(RangeError);
    expect(() => new Tensor(data, [2], [1, 1])).toThrow('Tensor: 2 strides for shape [2]');
    expect(() => new Tensor([1, 2] as never, [2])).toThrow('Tensor: data must be a Float32Array or Float64Array');
    expect(new Tensor(data, [0, 9]).size).toBe(0);
  });
  it('console.log shows the values', async () => {
    const { inspect } = await import('node:util');
    expect(inspect(tensor([1, 2]))).toBe('tensor([1, 2], dtype=float32, shape=[2])');
  });
  it('isContiguous tells views from row-major storage', () => {
    const x = iota([2, 3, 4]);
    expect(x.isContiguous()).toBe(true);
    expect(x.slice(1).isContiguous()).toBe(true);
    expect(x.slice(null, 1).isContiguous()).toBe(false);
    expect(x.transpose().isContiguous()).toBe(false);
    expect(x.unsqueeze(1).isContiguous()).toBe(true);
    expect(iota([3, 1]).expand([3, 4]).isContiguous()).toBe(false);
    expect(at(x.toArray(), [1, 2, 3])).toBe(23);
  });
});

describe('concat and stack', () => {
  it('join along any axis, reading strided inputs', () => {
    const a = iota([2, 3]);
    const b = iota([3, 2]).transpose().slice([null, null, -1]); // [2,3], reversed rows
    const c = T.concat([a, b], 0);
    expectView(c, [4, 3], ([i, j]) => (i! < 2 ? linear([2, 3], [i!, j!]) : linear([3, 2], [j!, 1 - (i! - 2)])));
    const d = T.concat([a, b.slice(null, [0, 1]), a], -1);
    expectView(d, [2, 7], ([i, j]) => (j! < 3 ? linear([2, 3], [i!, j!]) : j! === 3 ? linear([3, 2], [0, 1 - i!]) : linear([2, 3], [i!, j! - 4])));
    const s = T.stack([a, b], 1);
    expectView(s, [2, 2, 3], ([i, k, j]) => (k === 0 ? linear([2, 3], [i!, j!]) : linear([3, 2], [j!, 1 - i!])));
    expect(T.stack([T.tensor(1), T.tensor(2)]).toArray()).toEqual([1, 2]);
  });
  it('refuses mismatched shapes and dtypes', () => {
    expect(() => T.concat([iota([2, 3]), iota([2, 4])], 0)).toThrow('concat: shapes [2,3] and [2,4] (element 1) differ outside axis 0');
    expect(() => T.stack([iota([2, 3]), iota([3, 2])])).toThrow('stack: shapes [2,3] and [3,2] (element 1) differ');
    expect(() => T.concat([iota([2]), T.zeros([2])])).toThrow('concat: dtypes float64 and float32 differ (element 1; cast with astype)');
    expect(() => T.concat([])).toThrow('concat: expected a non-empty array of tensors');
    expect(() => T.concat([iota([2])], 1)).toThrow(RangeError);
  });
});
