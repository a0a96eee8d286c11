import { elementwise, type ElementwiseBuiltin } from './build.js';
import { normalCdf } from './erf.js';
import { sigmoidScalar } from './sigmoid-tanh.js';

const INV_SQRT_2PI = 0.3989422804014327;

// GELU's tanh form, as PyTorch writes it (approximate='tanh'): u = β(s + κs³), β = √(2/π).
const GELU_BETA = 0.7978845608028654;
const GELU_KAPPA = 0.044715;

const GELU = {
  approximate: { default: 'none', choices: ['none', 'tanh'], description: "'none': exact, with erf; 'tanh': the tanh approximation" },
} as const;

/**
 * GELU (Hendrycks & Gimpel 2016), both of PyTorch's forms: exact, s·Φ(s) (the default), or the tanh
 * approximation. The loops get p = 1 for 'tanh'; the wasm kernel takes the same p.
 */
export const gelu: ElementwiseBuiltin<typeof GELU> = elementwise({
  name: 'gelu',
  init: 'he',
  formula: "s·Φ(s) (exact, erf); approximate 'tanh': ½s(1 + tanh u), u = √(2/π)(s + 0.044715s³)",
  derivative: "Φ(s) + s·φ(s); 'tanh': ½(1 + tanh u) + ½s(1 − tanh²u)·√(2/π)(1 + 3·0.044715s²)",
  params: GELU,
  saves: 'input',
  kernel: true,
  scalar: (o) => (o.approximate === 'tanh' ? 1 : 0),
  forward(n, s, so, a, ao, p) {
    if (p === 0) {
      for (let i = 0; i < n; i++) {
        const si = s[so + i]!;
        a[ao + i] = si * normalCdf(si);
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      a[ao + i] = 0.5 * si * (1 + Math.tanh(GELU_BETA * (si + GELU_KAPPA * si * si * si)));
    }
  },
  backward(n, g, go, s, so, dx, dxo, p) {
    if (p === 0) {
      for (let i = 0; i < n; i++) {
        const si = s[so + i]!;
        dx[dxo + i] = g[go + i]! * (normalCdf(si) + si * INV_SQRT_2PI * Math.exp(-0.5 * si * si));
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      const sq = si * si;
      const t = Math.tanh(GELU_BETA * (si + GELU_KAPPA * sq * si));
      dx[dxo + i] = g[go + i]! * (0.5 * (1 + t) + 0.5 * si * (1 - t * t) * GELU_BETA * (1 + 3 * GELU_KAPPA * sq));
    }
  },
});

/** SiLU (swish). */
export const silu: ElementwiseBuiltin = elementwise({
  name: 'silu',
  init: 'he',
  formula: 's·σ(s)',
  derivative: 'σ(s)(1 + s(1−σ(s)))',
  params: {},
  saves: 'input',
  kernel: true,
  forward(n, s, so, a, ao) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      a[ao + i] = si * sigmoidScalar(si);
    }
  },
  backward(n, g, go, s, so, dx, dxo) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      const sig = sigmoidScalar(si);
      dx[dxo + i] = g[go + i]! * sig * (1 + si * (1 - sig));
    }
  },
});

/** softplus, computed as max(s, 0) + log1p(e^{−|s|}) so it stays finite at ±1000. */
export const softplus: ElementwiseBuiltin = elementwise({
  name: 'softplus',
  init: 'he',
  formula: 'log(1+e^s), as max(s,0) + log1p(e^−|s|)',
  derivative: 'σ(s)',
  params: {},
  saves: 'input',
  kernel: true,
  forward(n, s, so, a, ao) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      a[ao + i] = (si > 0 ? si : 0) + Math.log1p(Math.exp(-Math.abs(si)));
    }
  },
  backward(n, g, go, s, so, dx, dxo) {
    for (let i = 0; i < n; i++) dx[dxo + i] = g[go + i]! * sigmoidScalar(s[so + i]!);
  },
});
