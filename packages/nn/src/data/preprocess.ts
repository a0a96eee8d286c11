import { tensor, type FloatArray, type Tensor } from '@actgrad/tensor';
import { identityPermutation, makeRng, shuffleInPlace } from '../random.js';
import type { Dataset } from './dataset.js';
import { assertSameRows, toMatrix, type DataInput, type Matrix } from './validate.js';

/** Options of {@link trainTestSplit}. */
export interface SplitOptions {
  /** Share of samples for the test set, in (0, 1) (default 0.2). */
  testFraction?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Keep each class's share equal in both parts (needs 1-D labels; default false). */
  stratify?: boolean;
  /** Seed of the shuffle (default 42). */
  seed?: string | number;
}

// Rows keep the input's dtype, so a float64 data set splits into float64 parts.
function takeRows(m: Matrix, idx: Int32Array, vector: boolean): Tensor {
  const out = m.data instanceof Float64Array ? new Float64Array(idx.length * m.cols) : new Float32Array(idx.length * m.cols);
  for (let i = 0; i < idx.length; i++) {
    const src = idx[i] * m.cols;
    for (let k = 0; k < m.cols; k++) out[i * m.cols + k] = m.data[src + k];
  }
  return tensor(out, { shape: vector ? [idx.length] : [idx.length, m.cols] });
}

/**
 * Splits a data set into train and test parts, seeded. The test part gets
 * round(n · testFraction) samples (at least 1, and leaving at least 1 for training).
 *
 * @example
 * ```ts
 * const { train, test } = trainTestSplit(moons({ n: 500, seed: 1 }), { testFraction: 0.2, seed: 1 });
 * // train.x: [400, 2], test.x: [100, 2]
 * ```
 */
export function trainTestSplit(data: { x: DataInput; y: DataInput }, opts: SplitOptions = {}): { train: Dataset; test: Dataset } {
  const frac = opts.testFraction ?? 0.2;
  if (!(frac > 0 && frac < 1)) throw new Error(`trainTestSplit: testFraction must be in (0, 1); got ${frac}`);
  const x = toMatrix('trainTestSplit', 'x', data.x);
  const y = toMatrix('trainTestSplit', 'y', data.y);
  assertSameRows('trainTestSplit', x, y);
  const n = x.rows;
  if (n < 2) throw new Error(`trainTestSplit: need at least 2 samples; got ${n}`);
  const rng = makeRng(opts.seed);
  const perm = identityPermutation(n);
  if (opts.shuffle ?? true) shuffleInPlace(perm, rng);
  let order = perm;
  let nTest = Math.min(n - 1, Math.max(1, Math.round(n * frac)));
  if (opts.stratify) {
    if (!y.vector) throw new Error('trainTestSplit: stratify needs 1-D class labels y');
    // Deal each class's samples (in shuffled order) to test first, by its own share.
    const byClass = new Map<number, number[]>();
    for (const i of perm) {
      const c = y.data[i];
      if (!byClass.has(c)) byClass.set(c, []);
      byClass.get(c)!.push(i);
    }
    const test: number[] = [];
    const train: number[] = [];
    for (const idx of byClass.values()) {
      const k = Math.round(idx.length * frac);
      test.push(...idx.slice(0, k));
      train.push(...idx.slice(k));
    }
    nTest = test.length;
    order = Int32Array.from([...test, ...train]);
  }
  const testIdx = order.subarray(0, nTest);
  const trainIdx = order.subarray(nTest);
  return {
    train: { x: takeRows(x, trainIdx, x.vector), y: takeRows(y, trainIdx, y.vector) },
    test: { x: takeRows(x, testIdx, x.vector), y: takeRows(y, testIdx, y.vector) },
  };
}

/** Per-feature mean and standard deviation, as computed by {@link standardize} (in the data's dtype). */
export interface StandardizeStats {
  mean: FloatArray;
  std: FloatArray;
}

/**
 * Rescales each feature (column) to mean 0 and standard deviation 1. Pass the training set's
 * `stats` to apply the same transform to test data. A constant feature keeps std 1 so it maps
 * to 0 instead of dividing by zero. Returns the new `[n, features]` tensor and the stats, in
 * x's dtype (float64 stays float64; arrays give float32).
 */
export function standardize(x: DataInput, stats?: StandardizeStats): { x: Tensor } & StandardizeStats {
  const m = toMatrix('standardize', 'x', x);
  const d = m.cols;
  const Arr = m.data instanceof Float64Array ? Float64Array : Float32Array;
  let mean: FloatArray;
  let std: FloatArray;
  if (stats) {
    if (stats.mean.length !== d || stats.std.length !== d) {
      throw new Error(`standardize: stats are for ${stats.mean.length} features but x has ${d}`);
    }
    ({ mean, std } = stats);
  } else {
    const sum = new Float64Array(d);
    const sq = new Float64Array(d);
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < d; j++) sum[j] += m.data[i * d + j];
    mean = new Arr(d);
    for (let j = 0; j < d; j++) mean[j] = sum[j] / m.rows;
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < d; j++) {
        const c = m.data[i * d + j] - mean[j];
        sq[j] += c * c;
      }
    }
    std = new Arr(d);
    for (let j = 0; j < d; j++) {
      const s = Math.sqrt(sq[j] / m.rows);
      std[j] = s > 0 ? s : 1;
    }
  }
  const out = new Arr(m.rows * d);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = (m.data[i * d + j] - mean[j]) / std[j];
  return { x: tensor(out, { shape: [m.rows, d] }), mean, std };
}

/**
 * One-hot rows `[n, classes]` from integer labels `[n]`; `classes` defaults to the largest
 * label + 1. Non-integer, negative or too large labels are refused with their row.
 */
export function oneHot(labels: DataInput, classes?: number): Tensor {
  const m = toMatrix('oneHot', 'labels', labels);
  if (m.cols !== 1) throw new Error(`oneHot: labels must be one per row; got ${m.cols} columns`);
  let max = 0;
  for (let i = 0; i < m.rows; i++) {
    const v = m.data[i];
    if (!Number.isInteger(v) || v < 0) throw new Error(`oneHot: label ${v} at row ${i} is not an integer ≥ 0`);
    if (v > max) max = v;
  }
  const k = classes ?? max + 1;
  if (max >= k) throw new Error(`oneHot: label ${max} does not fit ${k} classes`);
  const out = new Float32Array(m.rows * k);
  for (let i = 0; i < m.rows; i++) out[i * k + m.data[i]] = 1;
  return tensor(out, { shape: [m.rows, k] });
}
