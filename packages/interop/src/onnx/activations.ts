import { getActivation, SELU_ALPHA, SELU_LAMBDA, Variable, type ActivationName } from '@actgrad/autograd';
import type { Activation } from '@actgrad/nn';
import { int, type OnnxBuilder } from './builder.js';

/** Writes one activation's nodes after the value `x` and returns the name of its output. */
export type OnnxActivationWriter = (b: OnnxBuilder, x: string, layer: Activation) => string;

/** A hyper-parameter of the layer: the option given, or the registry's default. */
export function option(layer: Activation, key: string): number | string {
  const given = layer.options?.[key] as unknown;
  if (given !== undefined) {
    if (given instanceof Variable) return given.data.contiguous().data[0]!;
    return given as number | string;
  }
  const spec = (getActivation(layer.activationName).params as Record<string, { default: number | string }>)[key];
  if (!spec) throw new Error(`toOnnx: activation '${layer.activationName}' has no parameter '${key}'`);
  return spec.default;
}

/** Softmax and logSoftmax normalise the last axis of `[batch, features]`: axis -1 or 1. */
function lastAxis(layer: Activation): { int: number } {
  const axis = Number(option(layer, 'axis'));
  if (axis !== -1 && axis !== 1) {
    throw new Error(`toOnnx: ${layer.activationName} over axis ${axis} is not exported; only the last axis (-1) of [batch, features] is`);
  }
  return int(-1);
}

const SQRT2 = Math.SQRT2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU's approximation: 'none' (exact, x·Φ(x)) unless the layer asks for 'tanh'. */
function geluApproximate(layer: Activation): 'none' | 'tanh' {
  const params = getActivation(layer.activationName).params as Record<string, unknown>;
  return 'approximate' in params && option(layer, 'approximate') === 'tanh' ? 'tanh' : 'none';
}

/**
 * GELU below opset 20, as torch.onnx.export writes it (so one importer pattern reads both):
 * exact x·0.5·(1 + erf(x/√2)); tanh form 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
function geluDecomposed(b: OnnxBuilder, x: string, approximate: 'none' | 'tanh'): string {
  if (approximate === 'none') {
    const erf = b.node('Erf', [b.node('Div', [x, b.scalar(SQRT2)])]);
    return b.node('Mul', [b.node('Mul', [x, b.node('Add', [erf, b.scalar(1)])]), b.scalar(0.5)]);
  }
  const cube = b.node('Mul', [x, b.node('Mul', [x, x])]);
  const inner = b.node('Mul', [b.scalar(SQRT_2_OVER_PI), b.node('Add', [x, b.node('Mul', [b.scalar(0.044715), cube])])]);
  return b.node('Mul', [x, b.node('Mul', [b.scalar(0.5), b.node('Add', [b.scalar(1), b.node('Tanh', [inner])])])]);
}

/**
 * How each built-in activation is written in ONNX, keyed by registry name. `satisfies` makes a
 * built-in without an entry a type error, and a test checks `activationNames()` against it.
 */
export const onnxActivations = {
  linear: (b, x) => b.node('Identity', [x]),
  sigmoid: (b, x) => b.node('Sigmoid', [x]),
  tanh: (b, x) => b.node('Tanh', [x]),
  relu: (b, x) => b.node('Relu', [x]),
  leakyRelu: (b, x, l) => b.node('LeakyRelu', [x], { alpha: Number(option(l, 'alpha')) }),
  elu: (b, x, l) => b.node('Elu', [x], { alpha: Number(option(l, 'alpha')) }),
  // ONNX's defaults are these constants rounded to float; written out so a reader needs no defaults.
  selu: (b, x) => b.node('Selu', [x], { alpha: SELU_ALPHA, gamma: SELU_LAMBDA }),
  softmax: (b, x, l) => b.node('Softmax', [x], { axis: lastAxis(l) }),
  logSoftmax: (b, x, l) => b.node('LogSoftmax', [x], { axis: lastAxis(l) }),
  gelu: (b, x, l) => {
    const approximate = geluApproximate(l);
    return b.opset >= 20 ? b.node('Gelu', [x], { approximate }) : geluDecomposed(b, x, approximate);
  },
  // ONNX's Swish (x·σ(βx)) arrives in opset 24, past what this exporter targets.
  silu: (b, x) => b.node('Mul', [x, b.node('Sigmoid', [x])]),
  softplus: (b, x) => b.node('Softplus', [x]),
  prelu: (b, x, l) => {
    const alpha = l.options?.alpha instanceof Variable ? l.options.alpha : l.parameters()[0];
    if (!alpha) throw new Error('toOnnx: prelu layer has no α parameter');
    const t = alpha.data.contiguous();
    const slope = b.initializer(`${b.scope}.alpha`, t.data.subarray(t.offset, t.offset + t.size), [t.size]);
    return b.node('PRelu', [x, slope]);
  },
} satisfies Record<ActivationName, OnnxActivationWriter>;
