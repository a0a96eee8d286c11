import { tensor, type Tensor } from '@actgrad/tensor';

/**
 * Features and targets, one sample per row. `x` is `[n, features]`; `y` is `[n]` for class
 * labels or single targets, `[n, outputs]` for vector targets or one-hot labels.
 */
export interface Dataset {
  x: Tensor;
  y: Tensor;
}

/** A classification data set also names its classes. */
export interface LabeledDataset extends Dataset {
  classes: string[];
}

/** Wraps flat row-major arrays as a float32 data set without copying them. */
export function datasetFromArrays(
  x: Float32Array,
  features: number,
  y: Float32Array,
  yShape: number[],
): Dataset {
  const n = x.length / features;
  return { x: tensor(x, { shape: [n, features] }), y: tensor(y, { shape: yShape }) };
}
