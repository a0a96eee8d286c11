export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

/** The dtype a typed array stores. */
export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float64Array ? 'float64' : 'float32';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}
