export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
