// Forward and backward of GELU (both forms), SiLU and softplus over four lanes, for activations.ts.
// Their references are the loops of autograd's definitions (packages/autograd/src/activations/
// smooth.ts), which compute in double and round once; these run in f32 and land within the bounds
// of autograd/test/wasm-activations.test.ts.

import {
  K_GELU_CLAMP, K_GELU_KAPPA, K_GELU_MID, K_GELU_P, K_GELU_SCALE, K_HALF, K_HIGH_BITS, K_INV_SQRT_2PI, K_ONE, K_SIGN, K_TWO_M64, k,
} from './constants';
import { expLow4, expSplitScaled4 } from './exp';
import { log1pUnit4 } from './log';

// Op codes, shared with src/backend/wasm/activations.ts (activations.ts has 0–5).
export const GELU = 6;
export const SILU = 7;
export const SOFTPLUS = 8;
// GELU's tanh form (PyTorch's approximate='tanh'); src/backend/wasm/activations.ts passes GELU with
// α = 1 for it, and activations.ts picks this code.
export const GELU_TANH = 9;

// ½(1 + tanh u) = σ(2u), so the tanh form is s·σ(v) with v = 2u = s·(A + B·s²),
// A = 2√(2/π), B = 2√(2/π)·0.044715 (Hendrycks & Gimpel 2016; autograd's smooth.ts has the reference).
const GELU_TANH_A: f32 = 1.5957691216057308;
const GELU_TANH_B: f32 = 0.07135481627159;
// s² is capped where σ(v)(1 − σ(v)) is already 0, so a finite s never makes 0·∞.
const GELU_TANH_SQ_CAP: f32 = 1e30;

// @ts-ignore: decorator
@inline
function isNonNegative(s: v128): v128 {
  return f32x4.ge(s, f32x4.splat(0));
}

/**
 * 2^64·e^{−t²/2} for t ≥ 0 (see expSplitScaled4): t = h + l with h the top 12 bits of t, so h² is
 * exact and only the small (t − h)(t + h) is rounded; rounding t² whole would cost |t²|·2^−24 of
 * the exponent (50 ulp at t = 10).
 */
// @ts-ignore: decorator
@inline
function gaussianScaled(tc: v128, t: usize): v128 {
  const h = v128.and(tc, k(t, K_HIGH_BITS));
  const hi = v128.xor(f32x4.mul(f32x4.mul(h, h), k(t, K_HALF)), k(t, K_SIGN));
  const lo = v128.xor(f32x4.mul(f32x4.mul(f32x4.sub(tc, h), f32x4.add(tc, h)), k(t, K_HALF)), k(t, K_SIGN));
  return expSplitScaled4(hi, lo, t);
}

/**
 * x·e^{−t²/2} from gs = 2^64·e^{−t²/2}: where e^{−t²/2} < 2^−64 (t > 9.4) as (x·gs)·2^−64, so a
 * result in the subnormal range is rounded once instead of inheriting a subnormal e^{−t²/2}'s
 * lost bits; elsewhere as x·e^{−t²/2}, which cannot overflow for finite x.
 */
// @ts-ignore: decorator
@inline
function timesGaussian(x: v128, gs: v128, t: usize): v128 {
  const scale = k(t, K_TWO_M64);
  return v128.bitselect(f32x4.mul(f32x4.mul(x, gs), scale), f32x4.mul(x, f32x4.mul(gs, scale)), f32x4.lt(gs, k(t, K_ONE)));
}

/**
 * Q(t)·e^{t²/2} for t ≥ 0, Q(t) = P(Z > t) = Φ(−t): u·G(x) with u = 1/(1 + κt) and G a fitted
 * polynomial in x = (u − mid)·scale ∈ [−1, 1], so Q(t) keeps its relative accuracy far in the tail,
 * where Φ(−t) = 1 − Φ(t) would cancel.
 */
// @ts-ignore: decorator
@inline
function millsRatio(tc: v128, t: usize): v128 {
  const u = f32x4.div(k(t, K_ONE), f32x4.add(k(t, K_ONE), f32x4.mul(tc, k(t, K_GELU_KAPPA))));
  const x = f32x4.mul(f32x4.sub(u, k(t, K_GELU_MID)), k(t, K_GELU_SCALE));
  let y = f32x4.add(f32x4.mul(k(t, K_GELU_P), x), k(t, K_GELU_P + 1));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 2));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 3));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 4));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 5));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 6));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 7));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 8));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 9));
  y = f32x4.add(f32x4.mul(y, x), k(t, K_GELU_P + 10));
  return f32x4.mul(u, y);
}

// @ts-ignore: decorator
@inline
export function modernForward4(op: i32, s: v128, t: usize): v128 {
  if (op == GELU) {
    // s·Φ(s) with Φ(s) = 1 − Q(|s|) for s ≥ 0 and Q(|s|) below; |s| is clamped at 20, where Q is 0.
    // For s < 0 it is (s·R)·e^{−s²/2}, with the Gaussian last (timesGaussian).
    const tc = f32x4.pmin(f32x4.abs(s), k(t, K_GELU_CLAMP));
    const r = millsRatio(tc, t);
    const gs = gaussianScaled(tc, t);
    const q = f32x4.mul(r, f32x4.mul(gs, k(t, K_TWO_M64)));
    return v128.bitselect(f32x4.mul(s, f32x4.sub(k(t, K_ONE), q)), timesGaussian(f32x4.mul(s, r), gs, t), isNonNegative(s));
  }
  if (op == GELU_TANH) {
    // s·σ(v), v = s(A + Bs²) has the sign of s: s/(1 + e) or s·e/(1 + e) with e = e^{−|v|}.
    const v = f32x4.mul(s, f32x4.add(f32x4.splat(GELU_TANH_A), f32x4.mul(f32x4.splat(GELU_TANH_B), f32x4.mul(s, s))));
    const ev = expLow4(v128.or(v, k(t, K_SIGN)), t);
    return f32x4.div(v128.bitselect(s, f32x4.mul(s, ev), isNonNegative(s)), f32x4.add(k(t, K_ONE), ev));
  }
  // e = e^{−|s|} never overflows, and σ(s) = 1/(1 + e) for s ≥ 0, e/(1 + e) for s < 0.
  const e = expLow4(v128.or(s, k(t, K_SIGN)), t);
  if (op == SILU) {
    // s·σ(s) as one quotient: s/(1 + e) or s·e/(1 + e).
    return f32x4.div(v128.bitselect(s, f32x4.mul(s, e), isNonNegative(s)), f32x4.add(k(t, K_ONE), e));
  }
  // softplus(s) = max(s, 0) + log(1 + e^{−|s|}): finite at ±1000, s itself once e^{−|s|} is negligible.
  return f32x4.add(f32x4.pmax(s, f32x4.splat(0)), log1pUnit4(e, t));
}

/** From the saved input s. */
// @ts-ignore: decorator
@inline
export function modernBackward4(op: i32, g: v128, s: v128, t: usize): v128 {
  if (op == GELU) {
    // GELU'(s) = Φ(s) + s·φ(s), φ(s) = e^{−s²/2}/√(2π). For s < 0 it is e^{−s²/2}·(R + s/√(2π)),
    // with g applied before the Gaussian (timesGaussian); the sum cancels near s = −0.75.
    const tc = f32x4.pmin(f32x4.abs(s), k(t, K_GELU_CLAMP));
    const gs = gaussianScaled(tc, t);
    const gauss = f32x4.mul(gs, k(t, K_TWO_M64));
    const r = millsRatio(tc, t);
    const sc = f32x4.mul(s, k(t, K_INV_SQRT_2PI));
    const pos = f32x4.add(f32x4.sub(k(t, K_ONE), f32x4.mul(r, gauss)), f32x4.mul(sc, gauss));
    return v128.bitselect(f32x4.mul(g, pos), timesGaussian(f32x4.mul(g, f32x4.add(r, sc)), gs, t), isNonNegative(s));
  }
  if (op == GELU_TANH) {
    // σ(v) + s·σ(v)(1 − σ(v))·v', v' = A + 3Bs², with 1 − σ taken from the other branch (no cancellation).
    const sq = f32x4.pmin(f32x4.mul(s, s), f32x4.splat(GELU_TANH_SQ_CAP));
    const v = f32x4.mul(s, f32x4.add(f32x4.splat(GELU_TANH_A), f32x4.mul(f32x4.splat(GELU_TANH_B), sq)));
    const ev = expLow4(v128.or(v, k(t, K_SIGN)), t);
    const invV = f32x4.div(k(t, K_ONE), f32x4.add(k(t, K_ONE), ev));
    const eiV = f32x4.mul(ev, invV);
    const nonNegativeV = isNonNegative(s);
    const sig = v128.bitselect(invV, eiV, nonNegativeV);
    const rest = v128.bitselect(eiV, invV, nonNegativeV);
    const slope = f32x4.add(f32x4.splat(GELU_TANH_A), f32x4.mul(f32x4.splat(3 * GELU_TANH_B), sq));
    return f32x4.mul(g, f32x4.add(sig, f32x4.mul(f32x4.mul(f32x4.mul(s, rest), sig), slope)));
  }
  const e = expLow4(v128.or(s, k(t, K_SIGN)), t);
  const inv = f32x4.div(k(t, K_ONE), f32x4.add(k(t, K_ONE), e));
  const ei = f32x4.mul(e, inv);
  const nonNegative = isNonNegative(s);
  const sigma = v128.bitselect(inv, ei, nonNegative);
  if (op == SOFTPLUS) return f32x4.mul(g, sigma);
  // SiLU'(s) = σ(1 + s(1 − σ)), with 1 − σ taken from the other branch so it does not cancel.
  const rest = v128.bitselect(ei, inv, nonNegative);
  return f32x4.mul(g, f32x4.mul(sigma, f32x4.add(k(t, K_ONE), f32x4.mul(s, rest))));
}
