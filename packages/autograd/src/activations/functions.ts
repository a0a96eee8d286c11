import { activationFunctions } from './builtins.js';

// The functional API, one function per definition in builtins.ts: `elu(x)`, `elu(x, { alpha: 0.5 })`
// and `elu(x, 0.5)`. ESM needs each exported name spelled out; a test checks the list against the definitions.
export const {
  linear, sigmoid, tanh, relu, leakyRelu, elu, selu, softmax, logSoftmax, gelu, silu, softplus, prelu,
} = activationFunctions;
