import {
  abs as tAbs, clamp as tClamp, div as tDiv, empty, exp as tExp, log as tLog, mul as tMul, neg as tNeg,
  pow as tPow, scaleInPlace, sqrt as tSqrt, type Tensor,
} from '@actgrad/tensor';
import { NO_ATTRS, type OpDef } from '../op-def.js';
import { contig } from './layout.js';

type NoAttrs = typeof NO_ATTRS;

/** −x:  ∂/∂x = −g. */
export const neg: OpDef<NoAttrs> = {
  name: 'neg',
  saves: 'none',
  forward: (inputs) => tNeg(inputs[0]),
  backward: ({ grad }) => [tNeg(grad)],
};

/** e^x saves its output:  ∂/∂x = g·a. */
export const exp: OpDef<NoAttrs> = {
  name: 'exp',
  saves: 'output',
  forward: (inputs) => tExp(inputs[0]),
  backward: ({ grad, saved }) => [tMul(grad, saved.output)],
};

/** ln x saves its input:  ∂/∂x = g/x. */
export const log: OpDef<NoAttrs> = {
  name: 'log',
  saves: 'input',
  forward: (inputs) => tLog(inputs[0]),
  backward: ({ grad, saved }) => [tDiv(grad, saved.inputs[0])],
};

/** √x saves its output:  ∂/∂x = g/(2a). */
export const sqrt: OpDef<NoAttrs> = {
  name: 'sqrt',
  saves: 'output',
  forward: (inputs) => tSqrt(inputs[0]),
  backward: ({ grad, saved }) => [tDiv(tMul(grad, 0.5), saved.output)],
};

/** |x|:  ∂/∂x = g·sign(x), with sign(0) = 0 (the symmetric subgradient, as PyTorch). */
export const abs: OpDef<NoAttrs> = {
  name: 'abs',
  saves: 'input',
  forward: (inputs) => tAbs(inputs[0]),
  backward: ({ grad, saved }) => {
    const x = contig(saved.inputs[0]);
    const g = contig(grad);
    const dx = empty(x.shape, x.dtype);
    const xd = x.data, gd = g.data, out = dx.data;
    const xo = x.offset, go = g.offset, oo = dx.offset, n = x.size;
    for (let i = 0; i < n; i++) {
      const v = xd[xo + i];
      out[oo + i] = v > 0 ? gd[go + i] : v < 0 ? -gd[go + i] : 0;
    }
    return [dx];
  },
};

export interface PowAttrs { readonly exponent: number }

/** x^p for a constant p:  ∂/∂x = g·p·x^(p−1). */
export const pow: OpDef<PowAttrs> = {
  name: 'pow',
  saves: 'input',
  forward: (inputs, { exponent }) => tPow(inputs[0], exponent),
  backward: ({ grad, saved, attrs: { exponent } }) => {
    const x = saved.inputs[0];
    if (exponent === 2) return [scaleInPlace(tMul(grad, x), 2)];
    return [tMul(grad, tMul(tPow(x, exponent - 1), exponent))];
  },
};

export interface ClampAttrs { readonly min: number; readonly max: number }

/**
 * Clamps to [min, max] (±Infinity for one side):  ∂/∂x = g where min ≤ x ≤ max, else 0.
 * At the bounds themselves the gradient passes, as in PyTorch.
 */
export const clamp: OpDef<ClampAttrs> = {
  name: 'clamp',
  saves: 'input',
  forward: (inputs, { min, max }) => tClamp(inputs[0], min, max),
  backward: ({ grad, saved, attrs: { min, max } }) => {
    const x = contig(saved.inputs[0]);
    const g = contig(grad);
    const dx: Tensor = empty(x.shape, x.dtype);
    const xd = x.data, gd = g.data, out = dx.data;
    const xo = x.offset, go = g.offset, oo = dx.offset, n = x.size;
    for (let i = 0; i < n; i++) {
      const v = xd[xo + i];
      out[oo + i] = v >= min && v <= max ? gd[go + i] : 0;
    }
    return [dx];
  },
};
