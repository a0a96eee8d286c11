import { tensor, uniform, type Tensor } from '@actgrad/tensor';

/** Seeded float64 values in [lo, hi], pushed at least `margin` away from each kink. */
export function rnd(
  shape: readonly number[], seed: number, opts: { lo?: number; hi?: number; margin?: number; kinks?: readonly number[] } = {},
): Tensor {
  const t = uniform(shape, opts.lo ?? -2, opts.hi ?? 2, { seed, dtype: 'float64' });
  const margin = opts.margin ?? 0.05;
  const kinks = opts.kinks ?? [0];
  for (let i = 0; i < t.size; i++) {
    let v = t.data[t.offset + i];
    for (const k of kinks) if (Math.abs(v - k) < margin) v = v < k ? k - margin : k + margin;
    t.data[t.offset + i] = v;
  }
  return t;
}

/** A non-contiguous float64 view of `shape`: the transpose of a fresh array of the reversed shape. */
export function transposed(shape: readonly number[], seed: number, opts: Parameters<typeof rnd>[2] = {}): Tensor {
  const t = rnd([...shape].reverse(), seed, opts).transpose();
  if (shape.length > 1 && t.isContiguous()) throw new Error('expected a non-contiguous view');
  return t;
}

/** A non-contiguous float64 view of `shape` taking every other row of a taller array. */
export function everyOtherRow(shape: readonly number[], seed: number, opts: Parameters<typeof rnd>[2] = {}): Tensor {
  const [rows, ...rest] = shape;
  return rnd([rows * 2, ...rest], seed, opts).slice([0, rows * 2, 2]);
}

/** Row-major values of any tensor, for comparisons. */
export function flat(t: Tensor): number[] {
  return Array.from(t.contiguous().data.subarray(t.contiguous().offset, t.contiguous().offset + t.size));
}

export function f64(values: Parameters<typeof tensor>[0]): Tensor {
  return tensor(values, { dtype: 'float64' });
}
