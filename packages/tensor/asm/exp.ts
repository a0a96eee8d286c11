// e^x and e^x − 1 four lanes at a time, for the activation kernels.
//
// Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so n·LN2_HI is exact), a
// degree-6 polynomial p = r + r²·P(r) ≈ e^r − 1 fitted for relative error, and 2^n built by
// shifting the rounded sum's bits into the exponent field; constants come from the table at `t`
// (constants.ts). e^x − 1 = 2^n·p + (2^n − 1) keeps the small-x accuracy that e^x − 1 would
// cancel away.

import { demote4, high, low } from './lanes';
import { K_EXP_FLOOR, K_EXP_P, K_EXPM1_FLOOR, K_LN2_HI, K_LN2_LO, K_LOG2E, K_ONE, K_SHIFT, K_SHIFT64, K_TWO_M64, k } from './constants';

/**
 * fround(v·c) per lane with c a double held in both lanes of `c` (a splat or an f64x2 table slot),
 * as the reference computes it: one double product, one rounding.
 */
// @ts-ignore: decorator
@inline
export function mulF64(v: v128, c: v128): v128 {
  return demote4(f64x2.mul(low(v), c), f64x2.mul(high(v), c));
}

// @ts-ignore: decorator
@inline
function reduce(c: v128, n: v128, t: usize): v128 {
  return f32x4.sub(f32x4.sub(c, f32x4.mul(n, k(t, K_LN2_HI))), f32x4.mul(n, k(t, K_LN2_LO)));
}

/** e^r − 1 for |r| ≤ ln2/2, within 2.3·2^−24 of itself (also near 0) and 0.9·2^−24 of e^r. */
// @ts-ignore: decorator
@inline
function expPoly(r: v128, t: usize): v128 {
  let y = f32x4.add(f32x4.mul(k(t, K_EXP_P), r), k(t, K_EXP_P + 1));
  y = f32x4.add(f32x4.mul(y, r), k(t, K_EXP_P + 2));
  y = f32x4.add(f32x4.mul(y, r), k(t, K_EXP_P + 3));
  y = f32x4.add(f32x4.mul(y, r), k(t, K_EXP_P + 4));
  return f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r);
}

/**
 * e^x per lane for x ≤ 43 (all the kernels need: e^{−|s|}, e^{s − max}), within about 1 ulp; NaN stays
 * NaN. 2^n is built with the exponent raised by 64 and 2^−64 applied last, so results in the
 * subnormal range are rounded from a normal float instead of losing their low bits.
 */
// @ts-ignore: decorator
@inline
export function expLow4(x: v128, t: usize): v128 {
  const c = f32x4.pmax(x, k(t, K_EXP_FLOOR));
  const v = f32x4.add(f32x4.mul(c, k(t, K_LOG2E)), k(t, K_SHIFT64));
  const s = i32x4.shl(v, 23);
  const p = expPoly(reduce(c, f32x4.sub(v, k(t, K_SHIFT64)), t), t);
  return f32x4.mul(f32x4.add(f32x4.mul(s, p), s), k(t, K_TWO_M64));
}

/**
 * e^x − 1 per lane for x ≤ 88 (larger lanes give garbage, for callers that clamp or select them
 * away), formed as 2^n·p + (2^n − 1) so it does not cancel near 0; −1 below −87.3; NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
export function expm1Low4(x: v128, t: usize): v128 {
  const c = f32x4.pmax(x, k(t, K_EXPM1_FLOOR));
  const v = f32x4.add(f32x4.mul(c, k(t, K_LOG2E)), k(t, K_SHIFT));
  const s = i32x4.shl(v, 23);
  const p = expPoly(reduce(c, f32x4.sub(v, k(t, K_SHIFT)), t), t);
  return f32x4.add(f32x4.mul(s, p), f32x4.sub(s, k(t, K_ONE)));
}

/**
 * 2^64·e^{hi + lo} per lane for hi ≤ 0 and |lo| ≤ 0.07, always a normal float (callers apply 2^−64
 * last, so a product with it that lands in the subnormal range is rounded once). The small part
 * joins the reduced argument after the exact steps, so a large hi (GELU's −t²/2, split so that hi is
 * exact) loses nothing to rounding hi + lo. 0 where hi < −130 (e^{hi} is then below every
 * subnormal even after a factor of 10^11), so x·0 is NaN for infinite x as in the reference; NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
export function expSplitScaled4(hi: v128, lo: v128, t: usize): v128 {
  const c = f32x4.pmax(hi, k(t, K_EXP_FLOOR));
  const v = f32x4.add(f32x4.mul(c, k(t, K_LOG2E)), k(t, K_SHIFT64));
  const s = i32x4.shl(v, 23);
  const p = expPoly(f32x4.add(reduce(c, f32x4.sub(v, k(t, K_SHIFT64)), t), lo), t);
  return v128.andnot(f32x4.add(f32x4.mul(s, p), s), f32x4.lt(hi, k(t, K_EXP_FLOOR)));
}
