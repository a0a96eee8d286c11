import { blobs, circles, moons, sine, spirals, trainTestSplit, xor, type Dataset } from '@actgrad/nn';
import { tensor, type Tensor } from '@actgrad/tensor';
import { classCount, DATASETS, type Point, type State } from './state.js';

/** A point on the page's plane: both coordinates in [−1, 1] (regression: x, then y is the target). */
export type { Point } from './state.js';

export interface Data {
  kind: 'classification' | 'regression';
  /** Input features per sample: 2 for the plane, 1 for a curve. */
  features: number;
  classes: number;
  train: { x: Tensor; y: Tensor; points: Point[] };
  test: { x: Tensor; y: Tensor; points: Point[] };
  /** Range the regression targets are drawn in. */
  yRange: [number, number];
}

const REGRESSION_RANGE = { curve01: [0, 1], curve11: [-1, 1], curve: [-3, 3] } as const;

/** Rescales each coordinate into [−0.9, 0.9], so every data set fills the same plane. */
function normalise(x: Float32Array, features: number): void {
  for (let f = 0; f < features; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = f; i < x.length; i += features) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2 || 1;
    for (let i = f; i < x.length; i += features) x[i] = (0.9 * (x[i] - mid)) / half;
  }
}

function generate(s: State): Dataset {
  const opts = { n: s.n, noise: s.noise, seed: s.seed };
  switch (s.dataset) {
    case 'moons': return moons(opts);
    case 'circles': return circles({ ...opts, noise: s.noise / 2, factor: 0.5 });
    case 'spirals': return spirals({ ...opts, classes: s.classes });
    case 'xor': return xor(opts);
    case 'blobs': return blobs({ n: s.n, seed: s.seed, centers: s.classes, std: 1 + 10 * s.noise });
    case 'curve01': case 'curve11': case 'curve':
      return sine({ ...opts, range: [...REGRESSION_RANGE[s.dataset]] as [number, number] });
    default: throw new Error(`generate: no generator for '${s.dataset}'`);
  }
}

function toPoints(x: Tensor, y: Tensor, features: number): Point[] {
  const xs = x.contiguous().data;
  const ys = y.contiguous().data;
  const out: Point[] = [];
  for (let i = 0; i < ys.length; i++) {
    out.push(features === 2 ? { x: xs[2 * i], y: xs[2 * i + 1], label: ys[i] } : { x: xs[i], y: ys[i], label: ys[i] });
  }
  return out;
}

/**
 * The data set of `s`, split into train and test with the same seed. `extra` are points the
 * user added by clicking or from a CSV (already on the plane); with data set 'csv' they are
 * the whole data set.
 */
export function makeData(s: State, extra: Point[]): Data {
  const kind = DATASETS[s.dataset].kind;
  const features = kind === 'regression' ? 1 : 2;
  let xs: number[] = [];
  let ys: number[] = [];
  if (s.dataset !== 'csv') {
    const d = generate(s);
    const x = new Float32Array(d.x.contiguous().data);
    normalise(x, features);
    xs = Array.from(x);
    ys = Array.from(d.y.contiguous().data);
  }
  for (const p of extra) {
    if (features === 2) xs.push(p.x, p.y);
    else xs.push(p.x);
    ys.push(kind === 'regression' ? p.y : p.label);
  }
  const n = ys.length;
  if (n < 4) throw new Error(`the data set has ${n} point${n === 1 ? '' : 's'}; add at least 4 (click the plane or load a CSV)`);
  const classes = kind === 'regression' ? 1 : Math.max(classCount(s), ...ys.map((v) => v + 1));
  const all = { x: tensor(Float32Array.from(xs), { shape: [n, features] }), y: tensor(Float32Array.from(ys), { shape: [n] }) };
  const { train, test } = trainTestSplit(all, { testFraction: s.testFraction, seed: s.seed });
  const range = kind === 'regression' && s.dataset !== 'csv' ? REGRESSION_RANGE[s.dataset as keyof typeof REGRESSION_RANGE] : [-1, 1];
  return {
    kind, features, classes,
    train: { ...train, points: toPoints(train.x, train.y, features) },
    test: { ...test, points: toPoints(test.x, test.y, features) },
    yRange: [range[0], range[1]],
  };
}

/**
 * Points from CSV text: `x,y,label` rows (a header row is skipped), coordinates rescaled onto
 * the plane, labels integers from 0. Errors name the line.
 */
export function parseCsv(text: string): Point[] {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const nums = cells.map(Number);
    if (nums.some((v) => !Number.isFinite(v)) || cells.some((c) => c === '')) {
      if (rows.length === 0 && i === 0) return; // header
      throw new Error(`CSV line ${i + 1}: expected three numbers x,y,label; got '${line}'`);
    }
    if (nums.length !== 3) throw new Error(`CSV line ${i + 1}: expected three columns x,y,label; got ${nums.length}`);
    if (!Number.isInteger(nums[2]) || nums[2] < 0 || nums[2] > 5) {
      throw new Error(`CSV line ${i + 1}: the label must be a class 0–5; got ${cells[2]}`);
    }
    rows.push(nums);
  });
  if (rows.length === 0) throw new Error('CSV: no data rows (expected lines x,y,label)');
  const flat = new Float32Array(rows.flatMap((r) => [r[0], r[1]]));
  normalise(flat, 2);
  return rows.map((r, i) => ({ x: flat[2 * i], y: flat[2 * i + 1], label: r[2] }));
}
