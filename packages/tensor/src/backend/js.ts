import type { DType, FloatArray } from '../dtype.js';
import { gemm } from './js-gemm.js';
import { jsKernels } from './js-elementwise.js';
import type { Backend } from './types.js';

/** The pure-TypeScript backend: the reference every other backend is tested against. */
export const jsBackend: Backend = {
  name: 'js',
  alloc(dtype: DType, length: number): FloatArray {
    return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  },
  gemm,
  kernels: jsKernels,
};
