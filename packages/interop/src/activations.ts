import { getActivation, SELU_ALPHA, SELU_LAMBDA, Variable, type ActivationName } from '@actgrad/autograd';
import type { Activation } from '@actgrad/nn';
import { int, type OnnxBuilder } from './onnx/builder.js';

/** Writes one activation's nodes after the value `x` and returns the name of its output. */
export type OnnxActivationWriter = (b: OnnxBuilder, x: string, layer: Activation) => string;

/** How one activation leaves actgrad: its ONNX nodes and its PyTorch module. */
export interface ActivationExport {
  readonly onnx: OnnxActivationWriter;
  /** Python source of the `torch.nn` module, e.g. `nn.LeakyReLU(negative_slope=0.2)`. */
  readonly torch: (layer: Activation) => string;
}

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
 * How each built-in activation is exported, keyed by registry name: ONNX nodes and the PyTorch
 * module. `satisfies` makes a built-in without an entry a type error, and a test checks
 * `activationNames()` against this table.
 */
export const activationExports = {
  linear: { onnx: (b, x) => b.node('Identity', [x]), torch: () => 'nn.Identity()' },
  sigmoid: { onnx: (b, x) => b.node('Sigmoid', [x]), torch: () => 'nn.Sigmoid()' },
  tanh: { onnx: (b, x) => b.node('Tanh', [x]), torch: () => 'nn.Tanh()' },
  relu: { onnx: (b, x) => b.node('Relu', [x]), torch: () => 'nn.ReLU()' },
  leakyRelu: {
    onnx: (b, x, l) => b.node('LeakyRelu', [x], { alpha: Number(option(l, 'alpha')) }),
    torch: (l) => `nn.LeakyReLU(negative_slope=${py(option(l, 'alpha'))})`,
  },
  elu: {
    onnx: (b, x, l) => b.node('Elu', [x], { alpha: Number(option(l, 'alpha')) }),
    torch: (l) => `nn.ELU(alpha=${py(option(l, 'alpha'))})`,
  },
  selu: {
    // ONNX's defaults are these constants rounded to float; written out so a reader needs no defaults.
    onnx: (b, x) => b.node('Selu', [x], { alpha: SELU_ALPHA, gamma: SELU_LAMBDA }),
    torch: () => 'nn.SELU()',
  },
  softmax: { onnx: (b, x, l) => b.node('Softmax', [x], { axis: lastAxis(l) }), torch: () => 'nn.Softmax(dim=-1)' },
  logSoftmax: { onnx: (b, x, l) => b.node('LogSoftmax', [x], { axis: lastAxis(l) }), torch: () => 'nn.LogSoftmax(dim=-1)' },
  gelu: {
    onnx: (b, x, l) => {
      const approximate = geluApproximate(l);
      return b.opset >= 20 ? b.node('Gelu', [x], { approximate }) : geluDecomposed(b, x, approximate);
    },
    torch: (l) => `nn.GELU(approximate='${geluApproximate(l)}')`,
  },
  // ONNX's Swish (x·σ(βx)) arrives in opset 24, past what this exporter targets.
  silu: { onnx: (b, x) => b.node('Mul', [x, b.node('Sigmoid', [x])]), torch: () => 'nn.SiLU()' },
  // torch's Softplus returns x above its threshold 20, where log(1 + e^x) − x < 3e-9.
  softplus: { onnx: (b, x) => b.node('Softplus', [x]), torch: () => 'nn.Softplus()' },
  prelu: {
    onnx: (b, x, l) => {
      const alpha = preluAlpha(l);
      return b.node('PRelu', [x, b.initializer(`${b.scope}.alpha`, alpha, [alpha.length])]);
    },
    torch: (l) => `nn.PReLU(num_parameters=${preluAlpha(l).length})`,
  },
} satisfies Record<ActivationName, ActivationExport>;

/** PReLU's learned α (one value, or one per feature), as stored. */
export function preluAlpha(layer: Activation): Float32Array | Float64Array {
  const alpha = layer.options?.alpha instanceof Variable ? layer.options.alpha : layer.parameters()[0];
  if (!alpha) throw new Error('prelu layer has no α parameter');
  const t = alpha.data.contiguous();
  return t.data.subarray(t.offset, t.offset + t.size);
}

/** A number as Python source that reads back as the same double. */
function py(v: number | string): string {
  const n = Number(v);
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}
