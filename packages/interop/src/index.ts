export { toOnnx, saveOnnx, SUPPORTED_OPSETS, DEFAULT_OPSET, int } from './onnx/export.js';
export type { ToOnnxOptions, OnnxActivationWriter } from './onnx/export.js';
export { OnnxBuilder } from './onnx/builder.js';
export type { AttrValue } from './onnx/builder.js';
export { onnxActivations } from './onnx/activations.js';
