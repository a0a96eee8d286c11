/**
 * Element type of a tensor's storage. `float32` is the default and what the wasm kernels run on;
 * `float64` is for gradient checks and comparisons with PyTorch (computed by the reference backend).
 */
export type DType = 'float32' | 'float64';
/** The typed array behind a tensor: `Float32Array` for `float32`, `Float64Array` for `float64`. */
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

/** The dtype a typed array stores. */
export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float64Array ? 'float64' : 'float32';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}
