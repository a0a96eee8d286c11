export type { DType, FloatArray } from './dtype.js';
import { installTensorMethods } from './tensor-methods.js';

// The one place Tensor's methods are attached (tensor.ts is the bare core).
installTensorMethods();

export { Tensor } from './tensor.js';
export type { TensorMethods } from './tensor-methods.js';
export type { Axes, NestedArray, SliceSpec } from './tensor.js';
export { tensor, empty, zeros, ones, full, arange, linspace, eye, zerosLike, onesLike } from './create.js';
export type { TensorOptions } from './create.js';
export { createRng, rand, randn, uniform } from './random.js';
export type { RandomOptions, Rng } from './random.js';
export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge,
  neg, exp, log, sqrt, abs, sign, square, reciprocal, log1p, expm1,
  where, clamp,
} from './elementwise.js';
export type { Operand } from './elementwise.js';
export { addScaled, scaleInPlace, fill, copyInto } from './inplace.js';
export { sum, mean, max, min, logSumExp, argmax } from './reduce.js';
export { affine, matmul } from './matmul.js';
export { broadcastShapes, sumTo } from './broadcast.js';
// Shape helpers the layers above share, so each is defined once.
export { fmtShape, normalizeAxis } from './errors.js';
export { sameShape } from './shape.js';
export { concat, stack } from './join.js';
export {
  transpose, permute, slice, squeeze, unsqueeze, expand, reshape,
} from './views.js';
export { tidy, keep, isTidying } from './storage.js';
export { getBackend, getKernel, setBackend, registerBackend, backendNames, jsBackend } from './backend/index.js';
export type { Backend, BinaryOp, ElementwiseKernels, MatrixOperand, MatrixOutput, NamedKernel, ReduceOp, UnaryOp } from './backend/index.js';
export { createWasmBackend, threadsFromEnvironment } from './backend/wasm/index.js';
export type { WasmBackend, WasmBackendOptions, HeapStats, GemmVariant, RelaxedSimdSetting, NativeGemm, NativeGemmExports } from './backend/wasm/index.js';
