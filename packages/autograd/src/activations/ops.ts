import { empty, getBackend, type ActivationOp, type Tensor } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';
import { contig } from '../ops/layout.js';
import * as k from './kernels.js';
import * as sk from './softmax-kernels.js';

// Each activation is one op: what it saves, a forward pass and a backward pass over typed
// arrays. Derivatives follow the lecture notes; where the code departs from them the
// comment on the kernel says why (softmax's full Jacobian, SELU's exact constants,
// the derivative at s = 0 taken from the s ≥ 0 branch).

/** Parameter of the leaky ReLU and ELU families; unused by the others. */
export interface AlphaAttrs { readonly alpha?: number }

interface ElementwiseSpec {
  readonly name: string;
  /** The backend kernel to try first (float32 runs in the backend's memory); the loops below are the reference. */
  readonly native?: ActivationOp;
  readonly saves: 'input' | 'output';
  readonly forward: k.ForwardKernel;
  readonly backward: k.BackwardKernel;
}

/** An elementwise activation from its two kernels; backward reads the saved input s or output a. */
function elementwise(spec: ElementwiseSpec): OpDef<AlphaAttrs> {
  const fwd = spec.forward;
  const bwd = spec.backward;
  const native = spec.native;
  const fromOutput = spec.saves === 'output';
  return {
    name: spec.name,
    saves: spec.saves,
    forward: (inputs, attrs) => {
      const s = contig(inputs[0]);
      const a = empty(s.shape, s.dtype);
      const alpha = attrs.alpha ?? 0;
      const kernel = native && getBackend().kernels?.activationForward;
      if (!kernel || !kernel(native, s.size, s.data, s.offset, a.data, a.offset, alpha)) {
        fwd(s.size, s.data, s.offset, a.data, a.offset, alpha);
      }
      return a;
    },
    backward: ({ grad, saved, attrs }) => {
      const kept = fromOutput ? saved.output : contig(saved.inputs[0]);
      const g = contig(grad);
      const dx = empty(kept.shape, kept.dtype);
      const alpha = attrs.alpha ?? 0;
      const kernel = native && getBackend().kernels?.activationBackward;
      if (!kernel || !kernel(native, kept.size, g.data, g.offset, kept.data, kept.offset, dx.data, dx.offset, alpha)) {
        bwd(kept.size, g.data, g.offset, kept.data, kept.offset, dx.data, dx.offset, alpha);
      }
      return [dx];
    },
  };
}

/** a = s, a' = 1: the output layer for unbounded regression. Returns its input's tensor, no copy. */
export const linear: OpDef<AlphaAttrs> = {
  name: 'linear',
  saves: 'none',
  forward: (inputs) => inputs[0],
  backward: ({ grad }) => [grad],
};

/** a = 1/(1 + e^{−s}), a' = a(1 − a): saves its output a. */
export const sigmoid = elementwise({ name: 'sigmoid', native: 'sigmoid', saves: 'output', forward: k.sigmoidForward, backward: k.sigmoidBackward });
/** a = tanh s, a' = 1 − a²: saves its output a. */
export const tanh = elementwise({ name: 'tanh', native: 'tanh', saves: 'output', forward: k.tanhForward, backward: k.tanhBackward });
/** a = max(0, s), a' = 0 for s < 0, 1 for s ≥ 0 (1 at s = 0, per the notes). */
export const relu = elementwise({ name: 'relu', native: 'relu', saves: 'input', forward: k.reluForward, backward: k.reluBackward });
/** a = αs for s < 0, s for s ≥ 0; a' = α or 1 (1 at s = 0). */
export const leakyRelu = elementwise({ name: 'leakyRelu', native: 'leakyRelu', saves: 'input', forward: k.leakyReluForward, backward: k.leakyReluBackward });
/** a = α(e^s − 1) for s < 0, s for s ≥ 0; a' = a + α for s < 0, 1 for s ≥ 0: saves its output a. */
export const elu = elementwise({ name: 'elu', native: 'elu', saves: 'output', forward: k.eluForward, backward: k.eluBackward });
/** a = λs for s ≥ 0, λα(e^s − 1) for s < 0; a' = λ or λαe^s (exact λ, α; λ at s = 0). */
export const selu = elementwise({ name: 'selu', native: 'selu', saves: 'input', forward: k.seluForward, backward: k.seluBackward });
/** a = s·Φ(s) (exact, erf-based), a' = Φ(s) + s·φ(s). */
export const gelu = elementwise({ name: 'gelu', native: 'gelu', saves: 'input', forward: k.geluForward, backward: k.geluBackward });
/** a = s·σ(s), a' = σ(s)(1 + s(1 − σ(s))). */
export const silu = elementwise({ name: 'silu', native: 'silu', saves: 'input', forward: k.siluForward, backward: k.siluBackward });
/** a = log(1 + e^s) computed stably, a' = σ(s). */
export const softplus = elementwise({ name: 'softplus', native: 'softplus', saves: 'input', forward: k.softplusForward, backward: k.softplusBackward });

export interface AxisAttrs { readonly axis: number }

/** [outer, len, inner] of a row-major shape around a non-negative axis. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

/**
 * a_i = e^{s_i}/Σ_j e^{s_j} along `axis` (max subtracted first). Saves its output; the backward
 * is the full Jacobian product a ⊙ (g − Σ_j g_j a_j), not the notes' diagonal a_i(1 − a_i).
 */
export const softmax: OpDef<AxisAttrs> = {
  name: 'softmax',
  saves: 'output',
  forward: (inputs, { axis }) => {
    const s = contig(inputs[0]);
    const a = empty(s.shape, s.dtype);
    const [outer, len, inner] = around(s.shape, axis);
    const rows = inner === 1 ? getBackend().kernels?.softmaxRows : undefined;
    if (!rows || !rows(outer, len, s.data, s.offset, a.data, a.offset)) {
      sk.softmaxForward(outer, len, inner, s.data, s.offset, a.data, a.offset);
    }
    return a;
  },
  backward: ({ grad, saved, attrs: { axis } }) => {
    const a = saved.output;
    const g = contig(grad);
    const dx = empty(a.shape, a.dtype);
    const [outer, len, inner] = around(a.shape, axis);
    const rows = inner === 1 ? getBackend().kernels?.softmaxRowsBackward : undefined;
    if (!rows || !rows(outer, len, g.data, g.offset, a.data, a.offset, dx.data, dx.offset)) {
      sk.softmaxBackward(outer, len, inner, g.data, g.offset, a.data, a.offset, dx.data, dx.offset);
    }
    return [dx];
  },
};

/** log softmax by log-sum-exp; saves its output y and uses g − e^y·Σg. */
export const logSoftmax: OpDef<AxisAttrs> = {
  name: 'logSoftmax',
  saves: 'output',
  forward: (inputs, { axis }) => {
    const s = contig(inputs[0]);
    const y = empty(s.shape, s.dtype);
    const [outer, len, inner] = around(s.shape, axis);
    const rows = inner === 1 ? getBackend().kernels?.logSoftmaxRows : undefined;
    if (!rows || !rows(outer, len, s.data, s.offset, y.data, y.offset)) {
      sk.logSoftmaxForward(outer, len, inner, s.data, s.offset, y.data, y.offset);
    }
    return y;
  },
  backward: ({ grad, saved, attrs: { axis } }) => {
    const y = saved.output;
    const g = contig(grad);
    const dx = empty(y.shape, y.dtype);
    const [outer, len, inner] = around(y.shape, axis);
    const rows = inner === 1 ? getBackend().kernels?.logSoftmaxRowsBackward : undefined;
    if (!rows || !rows(outer, len, g.data, g.offset, y.data, y.offset, dx.data, dx.offset)) {
      sk.logSoftmaxBackward(outer, len, inner, g.data, g.offset, y.data, y.offset, dx.data, dx.offset);
    }
    return [dx];
  },
};

/** Channels of a PReLU input: axis 1 when there is one (as PyTorch), else a single channel. */
function channelLayout(x: Tensor, alphaSize: number): [number, number] {
  const inner = x.ndim > 2 ? x.size / (x.shape[0] * x.shape[1]) : 1;
  return [alphaSize, inner];
}

/**
 * a = s for s ≥ 0, α_c·s for s < 0, with a learnable α (one, or one per channel on axis 1).
 * ∂/∂s = g·(1 or α_c) (1 at s = 0, like ReLU); ∂/∂α_c = Σ g·s over the s < 0 of channel c, summed
 * in double. The backend's `prelu` / `preluAlphaGrad` kernels run first; kernels.ts has the reference loops.
 */
export const prelu: OpDef<AlphaAttrs> = {
  name: 'prelu',
  saves: 'input',
  forward: (inputs) => {
    const s = contig(inputs[0]);
    const alpha = contig(inputs[1]);
    const a = empty(s.shape, s.dtype);
    const [channels, inner] = channelLayout(s, alpha.size);
    const kernel = getBackend().kernels?.prelu;
    if (!kernel || !kernel(s.size, channels, inner, s.data, s.offset, s.data, s.offset, alpha.data, alpha.offset, a.data, a.offset)) {
      k.preluSelect(s.size, channels, inner, s.data, s.offset, s.data, s.offset, alpha.data, alpha.offset, a.data, a.offset);
    }
    return a;
  },
  backward: ({ grad, saved, needsGrad }) => {
    const s = contig(saved.inputs[0]);
    const alpha = contig(saved.inputs[1]);
    const g = contig(grad);
    const [channels, inner] = channelLayout(s, alpha.size);
    const kernels = getBackend().kernels;
    let dx: Tensor | null = null;
    let dAlpha: Tensor | null = null;
    if (needsGrad(0)) {
      dx = empty(s.shape, s.dtype);
      const kernel = kernels?.prelu;
      if (!kernel || !kernel(s.size, channels, inner, g.data, g.offset, s.data, s.offset, alpha.data, alpha.offset, dx.data, dx.offset)) {
        k.preluSelect(s.size, channels, inner, g.data, g.offset, s.data, s.offset, alpha.data, alpha.offset, dx.data, dx.offset);
      }
    }
    if (needsGrad(1)) {
      dAlpha = empty(saved.inputs[1].shape, s.dtype);
      const kernel = kernels?.preluAlphaGrad;
      if (!kernel || !kernel(s.size, channels, inner, g.data, g.offset, s.data, s.offset, dAlpha.data, dAlpha.offset)) {
        k.preluAlphaGrad(s.size, channels, inner, g.data, g.offset, s.data, s.offset, dAlpha.data, dAlpha.offset);
      }
    }
    return [dx, dAlpha];
  },
};
