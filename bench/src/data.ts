import seedrandom from 'seedrandom';
import { workloads, type LayerInit } from './spec.js';

type Rng = () => number;

const rngFor = (seed: string): Rng => seedrandom(seed);

/** Standard normal draws by Box–Muller, one per call; `1 - u` keeps the logarithm finite. */
function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** In-place Fisher–Yates over `values`, drawing from `rng`. */
export function shuffleInPlace(values: Int32Array, rng: Rng): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}

/** `linspace(0, π, count)` as in NumPy: both ends included, a single point is 0. */
function angle(i: number, count: number): number {
  return count === 1 ? 0 : (Math.PI * i) / (count - 1);
}

export interface Moons {
  /** [n, 2] row-major. */
  x: Float32Array;
  /** 0 for the outer moon, 1 for the inner one. */
  y: Float32Array;
  n: number;
}

/**
 * Two interleaving half circles, following scikit-learn's `make_moons(shuffle=True)`: n/2 outer
 * points (cos t, sin t) and the rest inner (1 − cos t, 1 − sin t − 0.5) over t ∈ linspace(0, π),
 * then shuffled, then gaussian noise added — in that order, all from one seeded stream.
 */
export function makeMoons(n: number, noise: number, seed: string): Moons {
  const rng = rngFor(seed);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const label = new Float32Array(n);
  for (let i = 0; i < nOut; i++) {
    px[i] = Math.cos(angle(i, nOut));
    py[i] = Math.sin(angle(i, nOut));
  }
  for (let i = 0; i < nIn; i++) {
    px[nOut + i] = 1 - Math.cos(angle(i, nIn));
    py[nOut + i] = 1 - Math.sin(angle(i, nIn)) - 0.5;
    label[nOut + i] = 1;
  }
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), rng);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order[i]!;
    x[2 * i] = px[src]!;
    x[2 * i + 1] = py[src]!;
    y[i] = label[src]!;
  }
  for (let i = 0; i < 2 * n; i++) x[i] = x[i]! + noise * normal(rng);
  return { x, y, n };
}

/**
 * Glorot/Xavier uniform weights in [in, out] layout, U(−l, l) with l = √(6 / (in + out)), drawn
 * layer by layer, row-major, from one seeded stream; biases are zero.
 */
export function glorotUniform(sizes: readonly number[], seed: string): LayerInit[] {
  const rng = rngFor(seed);
  const layers: LayerInit[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inFeatures = sizes[l]!;
    const outFeatures = sizes[l + 1]!;
    const limit = Math.sqrt(6 / (inFeatures + outFeatures));
    const weight = new Float32Array(inFeatures * outFeatures);
    for (let i = 0; i < weight.length; i++) weight[i] = (2 * rng() - 1) * limit;
    layers.push({ inFeatures, outFeatures, weight, bias: new Float32Array(outFeatures) });
  }
  return layers;
}

/** The sample order of one epoch: a fresh identity permutation shuffled with `seed:epoch`. */
export function epochOrder(n: number, seed: string, epoch: number): Int32Array {
  return shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), rngFor(`${seed}:${epoch}`));
}

export interface W1Data {
  moons: Moons;
  init: LayerInit[];
  /** epochs × n sample indices, epoch-major: drawn before training so no peer times the RNG. */
  orders: Int32Array;
}

export function w1Data(epochs: number): W1Data {
  const w1 = workloads.w1;
  const moons = makeMoons(w1.data.n, w1.data.noise, w1.data.seed);
  const orders = new Int32Array(epochs * moons.n);
  for (let e = 0; e < epochs; e++) orders.set(epochOrder(moons.n, w1.shuffle.seed, e), e * moons.n);
  return { moons, init: glorotUniform(w1.model.sizes, w1.init.seed), orders };
}

export interface W2Data {
  /** [n, 784] uniform [0, 1), row-major. */
  x: Float32Array;
  /** Integer class labels in [0, 10). */
  labels: Int32Array;
  n: number;
  inputDim: number;
  classes: number;
  init: LayerInit[];
}

/** Synthetic W2 data: all inputs first, then all labels, from one seeded stream. */
export function w2Data(): W2Data {
  const w2 = workloads.w2;
  const { n, inputDim } = w2.data;
  const classes = w2.model.sizes[w2.model.sizes.length - 1]!;
  const rng = rngFor(w2.data.seed);
  const x = new Float32Array(n * inputDim);
  for (let i = 0; i < x.length; i++) x[i] = rng();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = Math.floor(rng() * classes);
  return { x, labels, n, inputDim, classes, init: glorotUniform(w2.model.sizes, w2.init.seed) };
}

/** W3 operands for one size: A then B, uniform [−1, 1), from `seed:n`. */
export function w3Operands(n: number): { a: Float32Array; b: Float32Array } {
  const rng = rngFor(`${workloads.w3.data.seed}:${n}`);
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = 2 * rng() - 1;
  for (let i = 0; i < b.length; i++) b[i] = 2 * rng() - 1;
  return { a, b };
}

/** W4 input uniform [−3, 3) and upstream gradient uniform [−1, 1), each from its own seed. */
export function w4Operands(size: number): { x: Float32Array; grad: Float32Array } {
  const { seed, gradSeed } = workloads.w4.data;
  const rx = rngFor(seed);
  const rg = rngFor(gradSeed);
  const x = new Float32Array(size);
  const grad = new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = 6 * rx() - 3;
  for (let i = 0; i < size; i++) grad[i] = 2 * rg() - 1;
  return { x, grad };
}
