// Forward and backward of SiLU and softplus (and GELU, see gelu.ts) over four lanes, for
// activations.ts. Their references are autograd's loops in activations/kernels.ts, which compute
// in double and round once; these run in f32 and land within the few-ulp bounds of the asm README.

import { K_ONE, K_SIGN, k } from './constants';
import { expLow4 } from './exp';
import { log1pUnit4 } from './log';

// Op codes, shared with src/backend/wasm/activations.ts (activations.ts has 0–5).
export const GELU = 6;
export const SILU = 7;
export const SOFTPLUS = 8;

// @ts-ignore: decorator
@inline
function isNonNegative(s: v128): v128 {
  return f32x4.ge(s, f32x4.splat(0));
}

// @ts-ignore: decorator
@inline
export function modernForward4(op: i32, s: v128, t: usize): v128 {
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
