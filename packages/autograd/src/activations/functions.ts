import type { Tensor } from '@actgrad/tensor';
import { NO_ATTRS } from '../op-def.js';
import { fmtShape } from '../ops/layout.js';
import { apply, asVariable } from '../record.js';
import { ops } from '../registry.js';
import type { Variable } from '../variable.js';

type Input = Variable | Tensor;

function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(`${op}: axis ${axis} out of range for ${ndim}-D input`);
  }
  return axis < 0 ? axis + ndim : axis;
}

function finiteParam(op: string, name: string, value: number, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive && value <= 0)) {
    throw new RangeError(`${op}: ${name} must be a ${positive ? 'positive ' : ''}finite number, got ${String(value)}`);
  }
  return value;
}

/** a = s. The output activation for unbounded regression. */
export function linear(x: Input): Variable { return apply(ops.linear, [asVariable('linear', x)], NO_ATTRS); }
/** a = 1/(1 + e^{−s}), stable at ±1000. Output for binary classification and regression in [0, 1]. */
export function sigmoid(x: Input): Variable { return apply(ops.sigmoid, [asVariable('sigmoid', x)], NO_ATTRS); }
/** a = tanh(s). Output for regression in [−1, 1]. */
export function tanh(x: Input): Variable { return apply(ops.tanh, [asVariable('tanh', x)], NO_ATTRS); }
/** a = max(0, s); ReLU'(0) = 1 as in the lecture notes. The default for hidden layers. */
export function relu(x: Input): Variable { return apply(ops.relu, [asVariable('relu', x)], NO_ATTRS); }
/** a = αs for s < 0, s for s ≥ 0 (α = 0.01 by default; the notes take 0 < α < 1). */
export function leakyRelu(x: Input, alpha = 0.01): Variable {
  return apply(ops.leakyRelu, [asVariable('leakyRelu', x)], { alpha: finiteParam('leakyRelu', 'alpha', alpha) });
}
/** a = α(e^s − 1) for s < 0, s for s ≥ 0, with α > 0 (default 1). */
export function elu(x: Input, alpha = 1): Variable {
  return apply(ops.elu, [asVariable('elu', x)], { alpha: finiteParam('elu', 'alpha', alpha, true) });
}
/** Scaled ELU with λ = 1.0507009873554805, α = 1.6732632423543772. */
export function selu(x: Input): Variable { return apply(ops.selu, [asVariable('selu', x)], NO_ATTRS); }
/** a = s·Φ(s), the exact (erf) GELU. */
export function gelu(x: Input): Variable { return apply(ops.gelu, [asVariable('gelu', x)], NO_ATTRS); }
/** a = s·σ(s) (swish). */
export function silu(x: Input): Variable { return apply(ops.silu, [asVariable('silu', x)], NO_ATTRS); }
/** a = log(1 + e^s), computed as max(s, 0) + log1p(e^{−|s|}); finite at ±1000. */
export function softplus(x: Input): Variable { return apply(ops.softplus, [asVariable('softplus', x)], NO_ATTRS); }

/** Softmax along `axis` (default the last), stable at ±1000. Output for multi-class classification. */
export function softmax(x: Input, axis = -1): Variable {
  const v = asVariable('softmax', x);
  return apply(ops.softmax, [v], { axis: normalizeAxis('softmax', axis, v.ndim) });
}
/** log softmax along `axis` by log-sum-exp: finite at logits ±1000. */
export function logSoftmax(x: Input, axis = -1): Variable {
  const v = asVariable('logSoftmax', x);
  return apply(ops.logSoftmax, [v], { axis: normalizeAxis('logSoftmax', axis, v.ndim) });
}

/**
 * Parametric ReLU: a = s for s ≥ 0, α·s for s < 0, with α a learnable Variable of one element,
 * or one per channel (axis 1 of x, as in PyTorch).
 */
export function prelu(x: Input, alpha: Variable | Tensor): Variable {
  const v = asVariable('prelu', x);
  const a = asVariable('prelu', alpha);
  const channels = v.ndim >= 2 ? v.shape[1] : 1;
  if (a.size !== 1 && !(a.ndim === 1 && a.size === channels)) {
    throw new Error(`prelu: alpha of shape ${fmtShape(a.shape)} for x of shape ${fmtShape(v.shape)}; expected 1 or ${channels} (axis 1) elements`);
  }
  if (a.dtype !== v.dtype) throw new Error(`prelu: alpha is ${a.dtype} but x is ${v.dtype}`);
  return apply(ops.prelu, [v, a], NO_ATTRS);
}
