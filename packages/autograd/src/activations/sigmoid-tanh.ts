import { NO_ATTRS, type OpDef } from '../op-def.js';
import { apply } from '../record.js';
import { elementwise, withCall, type Builtin, type ElementwiseBuiltin } from './build.js';
import type { ActivationDef } from './definition.js';

/** σ(s), stable at both ends: e^{−s} never overflows for s ≥ 0, e^{s} never for s < 0. */
export function sigmoidScalar(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

const linearOp: OpDef<unknown> = {
  name: 'linear',
  saves: 'none',
  // Returns its input's tensor: no copy.
  forward: (inputs) => inputs[0],
  backward: ({ grad }) => [grad],
};

/** Linear: the output activation for unbounded regression. */
export const linear: Builtin<ActivationDef, []> = withCall<ActivationDef, []>({
  name: 'linear',
  formula: 's',
  derivative: '1',
  elementwise: true,
  params: {},
  saves: 'none',
  op: linearOp as OpDef<never>,
  apply: (x) => apply(linearOp, [x], NO_ATTRS),
});

/** Sigmoid: output for binary classification and regression in [0, 1]. Saves its output a. */
export const sigmoid: ElementwiseBuiltin = elementwise({
  name: 'sigmoid',
  formula: '1/(1+e^−s)',
  derivative: 'a(1−a)',
  params: {},
  saves: 'output',
  kernel: true,
  forward(n, s, so, a, ao) {
    for (let i = 0; i < n; i++) a[ao + i] = sigmoidScalar(s[so + i]!);
  },
  backward(n, g, go, a, ao, dx, dxo) {
    for (let i = 0; i < n; i++) {
      const ai = a[ao + i]!;
      dx[dxo + i] = g[go + i]! * ai * (1 - ai);
    }
  },
});

/** Tanh: output for regression in [−1, 1]. Saves its output a. */
export const tanh: ElementwiseBuiltin = elementwise({
  name: 'tanh',
  formula: '(e^s−e^−s)/(e^s+e^−s)',
  derivative: '1−a²',
  params: {},
  saves: 'output',
  kernel: true,
  forward(n, s, so, a, ao) {
    for (let i = 0; i < n; i++) a[ao + i] = Math.tanh(s[so + i]!);
  },
  backward(n, g, go, a, ao, dx, dxo) {
    for (let i = 0; i < n; i++) {
      const ai = a[ao + i]!;
      dx[dxo + i] = g[go + i]! * (1 - ai * ai);
    }
  },
});
