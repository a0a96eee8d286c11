import { gaussianSampler, makeRng, shuffleInPlace, identityPermutation, type Rng } from '../random.js';
import { datasetFromArrays, type Dataset } from './dataset.js';

/** Options every toy generator accepts. */
export interface ToyOptions {
  /** Number of samples (default 200). */
  n?: number;
  /** Standard deviation of the Gaussian noise added to the features (defaults per generator). */
  noise?: number;
  /** Seed for seedrandom (default 42): the same seed gives the same data. */
  seed?: string | number;
}

function count(name: string, n: number | undefined, fallback: number, min = 1): number {
  const v = n ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new Error(`${name}: n must be an integer ≥ ${min}; got ${v}`);
  return v;
}

function nonNegative(name: string, key: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${name}: ${key} must be a finite number ≥ 0; got ${v}`);
  return v;
}

/** NumPy's linspace with endpoint: n = 1 gives [start]. */
function linspaceAt(start: number, stop: number, n: number, i: number): number {
  return n === 1 ? start : start + ((stop - start) * i) / (n - 1);
}

/** Reorders rows of x (width d) and y (width 1) by a seeded permutation, as sklearn's shuffle. */
function shuffleRows(x: Float32Array, d: number, y: Float32Array, rng: Rng): void {
  const n = y.length;
  const perm = shuffleInPlace(identityPermutation(n), rng);
  const x0 = x.slice();
  const y0 = y.slice();
  for (let i = 0; i < n; i++) {
    const src = perm[i];
    y[i] = y0[src];
    for (let k = 0; k < d; k++) x[i * d + k] = x0[src * d + k];
  }
}

function addNoise(x: Float32Array, noise: number, rng: Rng): void {
  if (noise === 0) return;
  const gauss = gaussianSampler(rng);
  for (let i = 0; i < x.length; i++) x[i] += noise * gauss();
}

/**
 * Two interleaving half circles, following scikit-learn's `make_moons`: the outer moon
 * (label 0) is (cos t, sin t), the inner one (label 1) is (1 − cos t, 1 − sin t − 0.5), with
 * t in linspace(0, π); rows are shuffled, then Gaussian noise of std `noise` (default 0.1) is added.
 * Returns `x: [n, 2]`, `y: [n]` labels.
 */
export function moons(opts: ToyOptions = {}): Dataset {
  const n = count('moons', opts.n, 200, 2);
  const noise = nonNegative('moons', 'noise', opts.noise ?? 0.1);
  const rng = makeRng(opts.seed);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < nOut; i++) {
    const t = linspaceAt(0, Math.PI, nOut, i);
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = linspaceAt(0, Math.PI, nIn, i);
    const r = nOut + i;
    x[2 * r] = 1 - Math.cos(t);
    x[2 * r + 1] = 1 - Math.sin(t) - 0.5;
    y[r] = 1;
  }
  shuffleRows(x, 2, y, rng);
  addNoise(x, noise, rng);
  return datasetFromArrays(x, 2, y, [n]);
}

/**
 * A small circle inside a large one, following scikit-learn's `make_circles`: outer circle
 * (label 0) of radius 1, inner (label 1) of radius `factor` (default 0.8), noise default 0.05.
 */
export function circles(opts: ToyOptions & { factor?: number } = {}): Dataset {
  const n = count('circles', opts.n, 200, 2);
  const noise = nonNegative('circles', 'noise', opts.noise ?? 0.05);
  const factor = opts.factor ?? 0.8;
  if (!(factor > 0 && factor < 1)) throw new Error(`circles: factor must be in (0, 1); got ${factor}`);
  const rng = makeRng(opts.seed);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const inner = i >= nOut;
    const m = inner ? nIn : nOut;
    const t = (2 * Math.PI * (inner ? i - nOut : i)) / m; // linspace without endpoint
    const r = inner ? factor : 1;
    x[2 * i] = r * Math.cos(t);
    x[2 * i + 1] = r * Math.sin(t);
    y[i] = inner ? 1 : 0;
  }
  shuffleRows(x, 2, y, rng);
  addNoise(x, noise, rng);
  return datasetFromArrays(x, 2, y, [n]);
}

/**
 * k interleaved spiral arms (the classic CS231n data): class j has radius r in linspace(0, 1)
 * and angle in linspace(4j, 4(j+1)) plus Gaussian noise (default 0.2) on the angle.
 * `n` is the total count, split as evenly as possible; labels 0…k−1.
 */
export function spirals(opts: ToyOptions & { classes?: number } = {}): Dataset {
  const k = opts.classes ?? 3;
  if (!Number.isInteger(k) || k < 2) throw new Error(`spirals: classes must be an integer ≥ 2; got ${k}`);
  const n = count('spirals', opts.n, 300, k);
  const noise = nonNegative('spirals', 'noise', opts.noise ?? 0.2);
  const gauss = gaussianSampler(makeRng(opts.seed));
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  let row = 0;
  for (let j = 0; j < k; j++) {
    const m = Math.floor(n / k) + (j < n % k ? 1 : 0);
    for (let i = 0; i < m; i++, row++) {
      const r = linspaceAt(0, 1, m, i);
      const t = linspaceAt(4 * j, 4 * (j + 1), m, i) + noise * gauss();
      x[2 * row] = r * Math.sin(t);
      x[2 * row + 1] = r * Math.cos(t);
      y[row] = j;
    }
  }
  return datasetFromArrays(x, 2, y, [n]);
}

/**
 * Points uniform in [−1, 1]²; label 1 where the coordinates' signs differ (x·y < 0), else 0.
 * Noise (default 0) is added after labelling, so it blurs the boundary.
 */
export function xor(opts: ToyOptions = {}): Dataset {
  const n = count('xor', opts.n, 200);
  const noise = nonNegative('xor', 'noise', opts.noise ?? 0);
  const rng = makeRng(opts.seed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * rng() - 1;
    const b = 2 * rng() - 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = a * b < 0 ? 1 : 0;
  }
  addNoise(x, noise, rng);
  return datasetFromArrays(x, 2, y, [n]);
}

/**
 * Isotropic Gaussian clusters, as scikit-learn's `make_blobs`: `centers` (default 3) centres
 * drawn uniformly in `box` (default [−10, 10]) per feature, or given explicitly; each cluster has
 * std `std` (default 1). Labels are the cluster index.
 */
export function blobs(
  opts: Omit<ToyOptions, 'noise'> & { centers?: number | number[][]; features?: number; std?: number; box?: [number, number] } = {},
): Dataset {
  const n = count('blobs', opts.n, 300);
  const rng = makeRng(opts.seed);
  const std = nonNegative('blobs', 'std', opts.std ?? 1);
  const [lo, hi] = opts.box ?? [-10, 10];
  let centers: number[][];
  if (Array.isArray(opts.centers)) {
    centers = opts.centers;
    if (centers.length === 0) throw new Error('blobs: centers is empty');
    const d = centers[0].length;
    centers.forEach((c, i) => {
      if (c.length !== d) throw new Error(`blobs: center ${i} has ${c.length} coordinates but center 0 has ${d}`);
    });
  } else {
    const k = opts.centers ?? 3;
    const d = opts.features ?? 2;
    if (!Number.isInteger(k) || k < 1) throw new Error(`blobs: centers must be an integer ≥ 1; got ${k}`);
    centers = [];
    for (let c = 0; c < k; c++) {
      const row: number[] = [];
      for (let f = 0; f < d; f++) row.push(lo + (hi - lo) * rng());
      centers.push(row);
    }
  }
  const k = centers.length;
  const d = centers[0].length;
  const gauss = gaussianSampler(rng);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  let row = 0;
  for (let c = 0; c < k; c++) {
    const m = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let i = 0; i < m; i++, row++) {
      for (let f = 0; f < d; f++) x[row * d + f] = centers[c][f] + std * gauss();
      y[row] = c;
    }
  }
  shuffleRows(x, d, y, rng);
  return datasetFromArrays(x, d, y, [n]);
}

/** Options of the regression generators. */
export interface RegressionOptions extends ToyOptions {
  /**
   * Min–max scale the targets (after noise) into this interval, e.g. `[0, 1]` for a sigmoid
   * output or `[-1, 1]` for tanh. Unscaled when omitted.
   */
  range?: [number, number];
}

function scaleInto(name: string, y: Float32Array, range: [number, number] | undefined): void {
  if (!range) return;
  const [lo, hi] = range;
  if (!(lo < hi)) throw new Error(`${name}: range must be [low, high] with low < high; got [${lo}, ${hi}]`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < min) min = y[i];
    if (y[i] > max) max = y[i];
  }
  const span = max - min || 1;
  for (let i = 0; i < y.length; i++) {
    // Clamp: float32 rounding of the affine map must not step outside [lo, hi].
    const v = lo + ((y[i] - min) / span) * (hi - lo);
    y[i] = Math.min(hi, Math.max(lo, v));
  }
}

/**
 * One-dimensional sine regression: x uniform in [−π, π], y = sin(x) + noise (default 0.1).
 * Returns `x: [n, 1]`, `y: [n, 1]`.
 */
export function sine(opts: RegressionOptions = {}): Dataset {
  const n = count('sine', opts.n, 200);
  const noise = nonNegative('sine', 'noise', opts.noise ?? 0.1);
  const rng = makeRng(opts.seed);
  const gauss = gaussianSampler(rng);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.PI * (2 * rng() - 1);
    y[i] = Math.sin(x[i]) + noise * gauss();
  }
  scaleInto('sine', y, opts.range);
  return datasetFromArrays(x, 1, y, [n, 1]);
}

/**
 * Smooth two-feature regression: x uniform in [−1, 1]², y = sin(πx₀)·cos(πx₁/2) + x₁/2 + noise
 * (default 0.05). With `range` the targets are scaled into it. Returns `x: [n, 2]`, `y: [n, 1]`.
 */
export function regression(opts: RegressionOptions = {}): Dataset {
  const n = count('regression', opts.n, 200);
  const noise = nonNegative('regression', 'noise', opts.noise ?? 0.05);
  const rng = makeRng(opts.seed);
  const gauss = gaussianSampler(rng);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * rng() - 1;
    const b = 2 * rng() - 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = Math.sin(Math.PI * a) * Math.cos((Math.PI * b) / 2) + b / 2 + noise * gauss();
  }
  scaleInto('regression', y, opts.range);
  return datasetFromArrays(x, 2, y, [n, 1]);
}
