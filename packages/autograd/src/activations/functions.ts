import { activationFunctions } from './builtins.js';

// The functional API, one function per definition in builtins.ts: `elu(x)`, `elu(x, { alpha: 0.5 })`
// and `elu(x, 0.5)`. ESM needs each exported name spelled out; a test checks the list against the definitions.
/**
 * The activations as functions of a Variable (or tensor): `relu(x)`, `elu(x, { alpha: 0.5 })` or
 * `elu(x, 0.5)`. Each is also a Variable method (`x.elu(0.5)`); `activations` holds their definitions.
 */
export const {
  linear, sigmoid, tanh, relu, leakyRelu, elu, selu, softmax, logSoftmax, gelu, silu, softplus, prelu,
} = activationFunctions;
