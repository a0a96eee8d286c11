import { elementwise, type ElementwiseBuiltin } from './build.js';

// The ReLU family. Kinks follow the lecture notes: at s = 0 the derivative comes from the s ≥ 0
// branch (ReLU'(0) = 1, leaky ReLU'(0) = 1, ELU'(0) = 1, SELU'(0) = λ); PyTorch and TF.js take
// the s < 0 branch there (ReLU'(0) = 0).
//
// The ReLU and leaky-ReLU loops select by multiplying with a 0/1 mask instead of branching: on
// inputs of mixed sign a branch mispredicts about half the time, which made these loops 4× slower.
// The mask product is wrong only where it yields NaN (an infinite operand times 0, or a NaN input);
// that rare, well-predicted case falls back to the plain branch. `+ 0` turns −0 into 0.

/** ReLU: the default for hidden layers. Saves its input s. */
export const relu: ElementwiseBuiltin = elementwise({
  name: 'relu',
  init: 'he',
  formula: '0 for s<0, s for s≥0',
  derivative: '0 for s<0, 1 for s≥0',
  params: {},
  saves: 'input',
  kernel: true,
  forward(n, s, so, a, ao) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      const r = si * +(si >= 0);
      // A NaN input stays NaN instead of being hidden as 0.
      a[ao + i] = r === r ? r + 0 : si < 0 ? 0 : si;
    }
  },
  backward(n, g, go, s, so, dx, dxo) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      const gi = g[go + i]!;
      const r = gi * +(si >= 0);
      dx[dxo + i] = r === r ? r + 0 : si >= 0 ? gi : 0;
    }
  },
});

/** Leaky ReLU, 0 < α < 1 as in the notes. Saves its input s. */
const LEAKY = { alpha: { default: 0.01, symbol: 'α', range: { gt: 0, lt: 1 }, description: 'slope for s < 0' } } as const;
export const leakyRelu: ElementwiseBuiltin<typeof LEAKY, 'alpha'> = elementwise({
  name: 'leakyRelu',
  init: 'he',
  formula: 'αs for s<0, s for s≥0',
  derivative: 'α for s<0, 1 for s≥0',
  params: LEAKY,
  positional: 'alpha',
  saves: 'input',
  kernel: true,
  forward(n, s, so, a, ao, alpha) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      const m = +(si >= 0);
      const r = m * si + (1 - m) * alpha * si;
      a[ao + i] = r === r ? r : si >= 0 ? si : alpha * si;
    }
  },
  backward(n, g, go, s, so, dx, dxo, alpha) {
    for (let i = 0; i < n; i++) {
      const gi = g[go + i]!;
      const si = s[so + i]!;
      const m = +(si >= 0);
      const r = m * gi + (1 - m) * alpha * gi;
      dx[dxo + i] = r === r ? r : si >= 0 ? gi : alpha * gi;
    }
  },
});

/**
 * ELU, α > 0. Saves its output a: a' = a + α for s < 0 is the notes' form, and with α > 0,
 * a < 0 exactly when s < 0, so the output alone picks the branch.
 */
const ELU = { alpha: { default: 1, symbol: 'α', range: { gt: 0 }, description: 'saturation value −α for s → −∞' } } as const;
export const elu: ElementwiseBuiltin<typeof ELU, 'alpha'> = elementwise({
  name: 'elu',
  init: 'he',
  formula: 'α(e^s−1) for s<0, s for s≥0',
  derivative: 'a+α for s<0, 1 for s≥0',
  params: ELU,
  positional: 'alpha',
  saves: 'output',
  kernel: true,
  forward(n, s, so, a, ao, alpha) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      a[ao + i] = si >= 0 ? si : alpha * Math.expm1(si);
    }
  },
  backward(n, g, go, a, ao, dx, dxo, alpha) {
    for (let i = 0; i < n; i++) {
      const ai = a[ao + i]!;
      const gi = g[go + i]!;
      dx[dxo + i] = ai >= 0 ? gi : gi * (ai + alpha);
    }
  },
});

/** SELU constants to full precision (Klambauer et al. 2017); the notes round them to 1.0507 and 1.6733. */
export const SELU_LAMBDA = 1.0507009873554805;
/** SELU's α to full precision (Klambauer et al. 2017); see `SELU_LAMBDA`. */
export const SELU_ALPHA = 1.6732632423543772;

/** SELU with the exact λ and α. Saves its input s, as the notes write a' in terms of s. */
export const selu: ElementwiseBuiltin = elementwise({
  name: 'selu',
  init: 'lecun',
  formula: 'λs for s≥0, λα(e^s−1) for s<0',
  derivative: 'λ for s≥0, λαe^s for s<0',
  params: {},
  saves: 'input',
  kernel: true,
  forward(n, s, so, a, ao) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      a[ao + i] = si >= 0 ? SELU_LAMBDA * si : SELU_LAMBDA * SELU_ALPHA * Math.expm1(si);
    }
  },
  backward(n, g, go, s, so, dx, dxo) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      dx[dxo + i] = g[go + i]! * (si >= 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * Math.exp(si));
    }
  },
});
