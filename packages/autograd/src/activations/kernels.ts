import type { FloatArray } from '@actgrad/tensor';
import { erf, normalCdf } from './erf.js';

/**
 * Single passes over contiguous typed arrays: no graph bookkeeping, closures or allocation inside.
 * Forward: a[ao+i] = f(s[so+i]). Backward: dx[i] = g[i]·f'(·), where f' reads the saved input s or
 * output a as the op declares. `p` is the activation's parameter (α), ignored where there is none.
 *
 * Kinks follow the lecture notes: at s = 0 the derivative comes from the s ≥ 0 branch
 * (ReLU'(0) = 1, leaky ReLU'(0) = 1, ELU'(0) = 1, SELU'(0) = λ). PyTorch and TF.js use the s < 0
 * branch there (ReLU'(0) = 0).
 */
export type ForwardKernel = (n: number, s: FloatArray, so: number, a: FloatArray, ao: number, p: number) => void;
export type BackwardKernel = (
  n: number, g: FloatArray, go: number, saved: FloatArray, so: number, dx: FloatArray, dxo: number, p: number,
) => void;

/** SELU constants to full precision (Klambauer et al. 2017); the notes round them to 1.0507 and 1.6733. */
export const SELU_LAMBDA = 1.0507009873554805;
/** SELU's α to full precision (Klambauer et al. 2017); see `SELU_LAMBDA`. */
export const SELU_ALPHA = 1.6732632423543772;
const INV_SQRT_2PI = 0.3989422804014327;

/** σ(s), stable at both ends: e^{−s} never overflows for s ≥ 0, e^{s} never for s < 0. */
export function sigmoidScalar(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

export const sigmoidForward: ForwardKernel = (n, s, so, a, ao) => {
  for (let i = 0; i < n; i++) a[ao + i] = sigmoidScalar(s[so + i]!);
};
/** σ'(s) = a(1 − a), from the saved output. */
export const sigmoidBackward: BackwardKernel = (n, g, go, a, ao, dx, dxo) => {
  for (let i = 0; i < n; i++) {
    const ai = a[ao + i]!;
    dx[dxo + i] = g[go + i]! * ai * (1 - ai);
  }
};

export const tanhForward: ForwardKernel = (n, s, so, a, ao) => {
  for (let i = 0; i < n; i++) a[ao + i] = Math.tanh(s[so + i]!);
};
/** tanh'(s) = 1 − a², from the saved output. */
export const tanhBackward: BackwardKernel = (n, g, go, a, ao, dx, dxo) => {
  for (let i = 0; i < n; i++) {
    const ai = a[ao + i]!;
    dx[dxo + i] = g[go + i]! * (1 - ai * ai);
  }
};

// The ReLU-family loops select by multiplying with a 0/1 mask instead of branching: on inputs of
// mixed sign a branch mispredicts about half the time, which made these loops 4× slower. The mask
// product is wrong only where it yields NaN (an infinite operand times 0, or a NaN input); that rare,
// well-predicted case falls back to the plain branch. `+ 0` turns −0 into 0.

export const reluForward: ForwardKernel = (n, s, so, a, ao) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    const r = si * +(si >= 0);
    // A NaN input stays NaN instead of being hidden as 0.
    a[ao + i] = r === r ? r + 0 : si < 0 ? 0 : si;
  }
};
/** ReLU'(s) = 0 for s < 0, 1 for s ≥ 0 (so 1 at s = 0, as in the notes). */
export const reluBackward: BackwardKernel = (n, g, go, s, so, dx, dxo) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    const gi = g[go + i]!;
    const r = gi * +(si >= 0);
    dx[dxo + i] = r === r ? r + 0 : si >= 0 ? gi : 0;
  }
};

export const leakyReluForward: ForwardKernel = (n, s, so, a, ao, alpha) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    const m = +(si >= 0);
    const r = m * si + (1 - m) * alpha * si;
    a[ao + i] = r === r ? r : si >= 0 ? si : alpha * si;
  }
};
/** Leaky ReLU'(s) = α for s < 0, 1 for s ≥ 0. */
export const leakyReluBackward: BackwardKernel = (n, g, go, s, so, dx, dxo, alpha) => {
  for (let i = 0; i < n; i++) {
    const gi = g[go + i]!;
    const si = s[so + i]!;
    const m = +(si >= 0);
    const r = m * gi + (1 - m) * alpha * gi;
    dx[dxo + i] = r === r ? r : si >= 0 ? gi : alpha * gi;
  }
};

export const eluForward: ForwardKernel = (n, s, so, a, ao, alpha) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    a[ao + i] = si >= 0 ? si : alpha * Math.expm1(si);
  }
};
/**
 * ELU'(s) = a + α for s < 0, 1 for s ≥ 0, from the saved output: with α > 0, a < 0 exactly when
 * s < 0, so the output alone picks the branch.
 */
export const eluBackward: BackwardKernel = (n, g, go, a, ao, dx, dxo, alpha) => {
  for (let i = 0; i < n; i++) {
    const ai = a[ao + i]!;
    const gi = g[go + i]!;
    dx[dxo + i] = ai >= 0 ? gi : gi * (ai + alpha);
  }
};

export const seluForward: ForwardKernel = (n, s, so, a, ao) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    a[ao + i] = si >= 0 ? SELU_LAMBDA * si : SELU_LAMBDA * SELU_ALPHA * Math.expm1(si);
  }
};
/** SELU'(s) = λ for s ≥ 0, λαe^s for s < 0, from the saved input as the notes write it. */
export const seluBackward: BackwardKernel = (n, g, go, s, so, dx, dxo) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    dx[dxo + i] = g[go + i]! * (si >= 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * Math.exp(si));
  }
};

/** GELU, exact form a = s·Φ(s) (Hendrycks & Gimpel 2016; PyTorch's default, not the tanh approximation). */
export const geluForward: ForwardKernel = (n, s, so, a, ao) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    a[ao + i] = si * normalCdf(si);
  }
};
/** GELU'(s) = Φ(s) + s·φ(s). */
export const geluBackward: BackwardKernel = (n, g, go, s, so, dx, dxo) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    dx[dxo + i] = g[go + i]! * (normalCdf(si) + si * INV_SQRT_2PI * Math.exp(-0.5 * si * si));
  }
};
export { erf };

/** SiLU (swish): a = s·σ(s). */
export const siluForward: ForwardKernel = (n, s, so, a, ao) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    a[ao + i] = si * sigmoidScalar(si);
  }
};
/** SiLU'(s) = σ(s)·(1 + s·(1 − σ(s))). */
export const siluBackward: BackwardKernel = (n, g, go, s, so, dx, dxo) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    const sig = sigmoidScalar(si);
    dx[dxo + i] = g[go + i]! * sig * (1 + si * (1 - sig));
  }
};

/** softplus(s) = log(1 + e^s), stable as max(s, 0) + log1p(e^{−|s|}): finite at ±1000. */
export const softplusForward: ForwardKernel = (n, s, so, a, ao) => {
  for (let i = 0; i < n; i++) {
    const si = s[so + i]!;
    a[ao + i] = (si > 0 ? si : 0) + Math.log1p(Math.exp(-Math.abs(si)));
  }
};
/** softplus'(s) = σ(s). */
export const softplusBackward: BackwardKernel = (n, g, go, s, so, dx, dxo) => {
  for (let i = 0; i < n; i++) dx[dxo + i] = g[go + i]! * sigmoidScalar(s[so + i]!);
};

/** out = v where s ≥ 0, α_c·v elsewhere: the forward with v = s, the input's gradient with v = g. */
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
