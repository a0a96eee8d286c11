import { elementwise, type ElementwiseBuiltin } from './build.js';
import { normalCdf } from './erf.js';
import { sigmoidScalar } from './sigmoid-tanh.js';

const INV_SQRT_2PI = 0.3989422804014327;

/** GELU, exact form (Hendrycks & Gimpel 2016; PyTorch's default, not the tanh approximation). */
export const gelu: ElementwiseBuiltin = elementwise({
  name: 'gelu',
  formula: 's·Φ(s) (exact, erf)',
  derivative: 'Φ(s) + s·φ(s)',
  params: {},
  saves: 'input',
  kernel: true,
  forward(n, s, so, a, ao) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      a[ao + i] = si * normalCdf(si);
    }
  },
  backward(n, g, go, s, so, dx, dxo) {
    for (let i = 0; i < n; i++) {
      const si = s[so + i]!;
      dx[dxo + i] = g[go + i]! * (normalCdf(si) + si * INV_SQRT_2PI * Math.exp(-0.5 * si * si));
    }
  },
});

/** SiLU (swish). */
export const silu: ElementwiseBuiltin = elementwise({
  name: 'silu',
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
