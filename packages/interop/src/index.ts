export { toOnnx, saveOnnx, SUPPORTED_OPSETS, DEFAULT_OPSET, int } from './onnx/export.js';
export type { ToOnnxOptions, OnnxActivationWriter } from './onnx/export.js';
export { OnnxBuilder } from './onnx/builder.js';
export type { AttrValue } from './onnx/builder.js';
export { onnxActivations } from './onnx/activations.js';
export { fromOnnx, loadOnnx } from './onnx/import.js';
export type { FromOnnxOptions } from './onnx/import.js';
export { decodeModel, DEFAULT_MAX_PARAMETERS } from './onnx/decode.js';
export type { DecodeLimits } from './onnx/decode.js';
