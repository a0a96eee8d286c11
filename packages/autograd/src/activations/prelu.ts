import { empty, getKernel, Tensor, type FloatArray } from '@actgrad/tensor';
import { NO_ATTRS, type OpDef } from '../op-def.js';
import { contig, fmtShape } from '../ops/layout.js';
import { apply, asVariable } from '../record.js';
import type { Variable } from '../variable.js';
import { withCall, type Builtin, type CallArgs } from './build.js';
import type { ActivationDef } from './definition.js';

// PReLU (He et al. 2015): leaky ReLU with a learnable α, one, or one per channel on axis 1 as in
// PyTorch. A backend may offer the two loops below as the named kernels `prelu.select` and
// `prelu.alphaGrad` (packages/tensor/asm/prelu.ts, checked in test/wasm-prelu.test.ts).

export type SelectKernel = (n: number, channels: number, inner: number, v: FloatArray, vo: number, s: FloatArray, so: number,
  al: FloatArray, alo: number, out: FloatArray, outo: number) => boolean;
export type AlphaGradKernel = (n: number, channels: number, inner: number, g: FloatArray, go: number, s: FloatArray, so: number,
  da: FloatArray, dao: number) => boolean;

/** out = v where s ≥ 0, α_c·v elsewhere: the forward with v = s, the input's gradient with v = g (1 at s = 0, like ReLU). */
export function preluSelect(n: number, channels: number, inner: number, v: FloatArray, vo: number, s: FloatArray, so: number,
  al: FloatArray, alo: number, out: FloatArray, outo: number): void {
  for (let i = 0; i < n; i++) {
    const x = v[vo + i]!;
    out[outo + i] = s[so + i]! >= 0 ? x : al[alo + (Math.floor(i / inner) % channels)]! * x;
  }
}

/** dα_c = Σ g·s over the s < 0 of channel c, in double: float32 running sums would drift over large inputs. */
export function preluAlphaGrad(n: number, channels: number, inner: number, g: FloatArray, go: number, s: FloatArray, so: number,
  da: FloatArray, dao: number): void {
  const sums = new Float64Array(channels);
  for (let i = 0; i < n; i++) {
    const v = s[so + i]!;
    if (v < 0) sums[Math.floor(i / inner) % channels] += g[go + i]! * v;
  }
  for (let c = 0; c < channels; c++) da[dao + c] = sums[c]!;
}

/** Channels of a PReLU input: axis 1 when there is one (as PyTorch), else a single channel. */
function channelLayout(x: Tensor, alphaSize: number): [number, number] {
  const inner = x.ndim > 2 ? x.size / (x.shape[0] * x.shape[1]) : 1;
  return [alphaSize, inner];
}

const preluOp: OpDef<unknown> = {
  name: 'prelu',
  saves: 'input',
  forward: (inputs) => {
    const s = contig(inputs[0]);
    const alpha = contig(inputs[1]);
    const a = empty(s.shape, s.dtype);
    const [channels, inner] = channelLayout(s, alpha.size);
    const k = getKernel<SelectKernel>('prelu.select');
    if (!k || !k(s.size, channels, inner, s.data, s.offset, s.data, s.offset, alpha.data, alpha.offset, a.data, a.offset)) {
      preluSelect(s.size, channels, inner, s.data, s.offset, s.data, s.offset, alpha.data, alpha.offset, a.data, a.offset);
    }
    return a;
  },
  backward: ({ grad, saved, needsGrad }) => {
    const s = contig(saved.inputs[0]);
    const alpha = contig(saved.inputs[1]);
    const g = contig(grad);
    const [channels, inner] = channelLayout(s, alpha.size);
    let dx: Tensor | null = null;
    let dAlpha: Tensor | null = null;
    if (needsGrad(0)) {
      dx = empty(s.shape, s.dtype);
      const k = getKernel<SelectKernel>('prelu.select');
      if (!k || !k(s.size, channels, inner, g.data, g.offset, s.data, s.offset, alpha.data, alpha.offset, dx.data, dx.offset)) {
        preluSelect(s.size, channels, inner, g.data, g.offset, s.data, s.offset, alpha.data, alpha.offset, dx.data, dx.offset);
      }
    }
    if (needsGrad(1)) {
      dAlpha = empty(saved.inputs[1].shape, s.dtype);
      const k = getKernel<AlphaGradKernel>('prelu.alphaGrad');
      if (!k || !k(s.size, channels, inner, g.data, g.offset, s.data, s.offset, dAlpha.data, dAlpha.offset)) {
        preluAlphaGrad(s.size, channels, inner, g.data, g.offset, s.data, s.offset, dAlpha.data, dAlpha.offset);
      }
    }
    return [dx, dAlpha];
  },
};

const PARAMS = {
  alpha: { default: 0.25, symbol: 'α', learnable: true, description: 'learnable slope for s < 0, one or one per channel (axis 1)' },
} as const;

/** PReLU: a saves its input s and α; `activation('prelu')` creates and owns α. */
export const prelu: Builtin<ActivationDef & { readonly params: typeof PARAMS }, CallArgs<typeof PARAMS, 'alpha'>> = withCall<ActivationDef & { readonly params: typeof PARAMS }, CallArgs<typeof PARAMS, 'alpha'>>({
  name: 'prelu',
  init: 'he',
  formula: 'αs for s<0, s for s≥0; α one value or one per channel (axis 1)',
  derivative: 'α for s<0, 1 for s≥0; ∂/∂α = Σ g·s over s<0',
  elementwise: true,
  params: PARAMS,
  positional: 'alpha',
  saves: 'input',
  op: preluOp as OpDef<never>,
  apply(v: Variable, o) {
    const given = o.alpha;
    if (typeof given !== 'object' || given === null) {
      throw new TypeError("prelu: alpha must be a Variable (or Tensor) of 1 or C elements; activation('prelu') creates a learnable one");
    }
    const a = asVariable('prelu', given);
    const channels = v.ndim >= 2 ? v.shape[1] : 1;
    if (a.size !== 1 && !(a.ndim === 1 && a.size === channels)) {
      throw new Error(`prelu: alpha of shape ${fmtShape(a.shape)} for x of shape ${fmtShape(v.shape)}; expected 1 or ${channels} (axis 1) elements`);
    }
    if (a.dtype !== v.dtype) throw new Error(`prelu: alpha is ${a.dtype} but x is ${v.dtype}`);
    return apply(preluOp, [v, a], NO_ATTRS);
  },
});
