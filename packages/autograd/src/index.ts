import { installVariableMethods } from './methods.js';

// The one place Variable's op and activation methods are attached (variable.ts is the bare core).
installVariableMethods();

export { Variable, variable, parameter } from './variable.js';
export type { BackwardOptions, VariableOptions } from './variable.js';
export { noGrad, isGradEnabled } from './grad-mode.js';
export {
  add, sub, mul, div, neg, pow, exp, log, sqrt, abs, clamp, matmul, affine, sum, mean, max,
  reshape, transpose, permute, slice, expand, concat, gather, pick, where,
} from './functional.js';
export type { Operand } from './functional.js';
export {
  linear, sigmoid, tanh, relu, leakyRelu, elu, selu, softmax, logSoftmax, gelu, silu, softplus, prelu,
} from './activations/functions.js';
export { softmaxCrossEntropy, sigmoidBinaryCrossEntropy } from './loss-functions.js';
export type { LossOptions, Reduction } from './loss-functions.js';
export { ops } from './registry.js';
export type { OpName } from './registry.js';
export type { OpDef, BackwardArgs, Saved, Saves } from './op-def.js';
export type { Axes } from './ops/reduce.js';
export type { LabelsLike } from './ops/labels.js';
export {
  activations, activation, activationNames, getActivation, registerActivation, unregisterActivation,
} from './activations/registry.js';
export type { ActivationFn } from './activations/registry.js';
export type {
  ActivationDef, ActivationOptions, InitFamily, ActivationParam, ElementwiseActivation, ForwardLoop, BackwardLoop,
  ForwardKernel, BackwardKernel, KernelIds, ParamValue,
} from './activations/definition.js';
export { activationFunctions } from './activations/builtins.js';
export type { ActivationArgs, ActivationFunctions, ActivationMethods, ActivationName } from './activations/builtins.js';
export type { OpMethods } from './methods.js';
export { defineActivation } from './activations/define.js';
export type { ActivationPoint, ActivationSpec } from './activations/define.js';
export { checkActivation } from './activations/check.js';
export type { CheckActivationOptions } from './activations/check.js';
export { SELU_ALPHA, SELU_LAMBDA } from './activations/relu-family.js';
export { gradcheck, assertGradcheck } from './gradcheck.js';
export { toDot } from './dot.js';
export type { DotOptions } from './dot.js';
export type { GradcheckOptions, GradcheckResult, GradcheckWorst } from './gradcheck.js';
