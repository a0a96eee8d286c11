import seedrandom from 'seedrandom';
import { checkDType } from './create.js';
import type { DType } from './dtype.js';
import { checkShape, failType } from './errors.js';
import { allocTensor } from './storage.js';
import type { Tensor } from './tensor.js';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Options of the random constructors: a seed, or a generator to draw from (it advances). */
export interface RandomOptions {
  seed?: string | number;
  rng?: Rng;
  dtype?: DType;
}

/**
 * A seeded generator (seedrandom's ARC4): the same seed gives the same sequence on every
 * machine and Node version.
 */
export function createRng(seed: string | number): Rng {
  if (typeof seed !== 'string' && typeof seed !== 'number') failType('createRng', `seed must be a string or number, got ${typeof seed}`);
  return seedrandom(String(seed));
}

function source(op: string, opts: RandomOptions): Rng {
  if (opts.rng !== undefined) {
    if (typeof opts.rng !== 'function') failType(op, 'rng must be a function returning numbers in [0, 1)');
    return opts.rng;
  }
  // No seed: fresh entropy, like NumPy's default generator.
  return opts.seed !== undefined ? createRng(opts.seed) : seedrandom();
}

/** Uniform in [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return uniform(shape, 0, 1, opts, 'rand');
}

/** Uniform in [low, high). */
export function uniform(shape: readonly number[], low: number, high: number, opts: RandomOptions = {}, op = 'uniform'): Tensor {
  if (typeof low !== 'number' || typeof high !== 'number') failType(op, `low and high must be numbers, got ${low} and ${high}`);
  const t = allocTensor(checkShape(op, shape), checkDType(op, opts.dtype));
  const rng = source(op, opts);
  const d = t.data;
  const span = high - low;
  for (let i = 0; i < d.length; i++) d[i] = low + span * rng();
  return t;
}

/** Standard normal (mean 0, variance 1), by the Box–Muller transform. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const t = allocTensor(checkShape('randn', shape), checkDType('randn', opts.dtype));
  const rng = source('randn', opts);
  const d = t.data;
  for (let i = 0; i < d.length; i += 2) {
    // 1 − u is in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const theta = 2 * Math.PI * rng();
    d[i] = r * Math.cos(theta);
    if (i + 1 < d.length) d[i + 1] = r * Math.sin(theta);
  }
  return t;
}
