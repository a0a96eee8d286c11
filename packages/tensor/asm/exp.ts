// e^x and e^x − 1 four lanes at a time, for the activation kernels.
//
// Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so n·LN2_HI is exact),
// then e^r = 1 + p with p = r + r²·P(r), P Cephes' degree-5 expf polynomial: about 1 ulp.
// e^x − 1 = 2^n·p + (2^n − 1) keeps the small-x accuracy that e^x − 1 would cancel away.

import { K_EXP_FLOOR, K_EXP_P, K_EXPM1_FLOOR, K_LN2_HI, K_LN2_LO, K_LOG2E, K_ONE, K_SHIFT, K_SHIFT64, K_TWO_M64, k } from './constants';

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
// e^x − 1 clamps its input here so 2^n stays a normal float (n in [−126, 127]).
const X_MIN: f32 = -87.3;
const X_MAX: f32 = 88.0;
// e^x rounds to 0 in float32 below this.
const EXP_MIN: f32 = -104.5;

// @ts-ignore: decorator
@inline
function poly(r: v128): v128 {
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  return f32x4.add(f32x4.mul(y, f32x4.mul(r, r)), r);
}

// Adding 1.5·2^23 rounds a float in (−2^22, 2^22) to an integer held in the low mantissa bits:
// cheaper than f32x4.nearest plus a saturating conversion, which V8 expands on x64.
const ROUNDER: f32 = 12582912.0;

/** 2^n for integral lanes n in [−126, 127] (as floats), built from the exponent bits. */
// @ts-ignore: decorator
@inline
function pow2(n: v128): v128 {
  const bits = i32x4.sub(f32x4.add(n, f32x4.splat(ROUNDER)), f32x4.splat(ROUNDER));
  return i32x4.shl(i32x4.add(bits, i32x4.splat(127)), 23);
}

/** The nearest integer to x·log2 e, as a float. */
// @ts-ignore: decorator
@inline
function roundLog2(x: v128): v128 {
  return f32x4.sub(f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER)), f32x4.splat(ROUNDER));
}

/**
 * e^x per lane, NaN stays NaN. 2^n is applied in two halves so results down to the subnormal
 * range (e^−103.9) come out as the reference's; below that they are 0.
 */
// @ts-ignore: decorator
@inline
export function exp4(x: v128): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(X_MAX)), f32x4.splat(EXP_MIN));
  const n = roundLog2(c);
  const r = f32x4.sub(f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  const n1 = f32x4.floor(f32x4.mul(n, f32x4.splat(0.5)));
  const e = f32x4.mul(f32x4.mul(pow2(n1), f32x4.add(f32x4.splat(1), poly(r))), pow2(f32x4.sub(n, n1)));
  return v128.andnot(e, f32x4.lt(x, f32x4.splat(EXP_MIN)));
}

/** e^x − 1 per lane, accurate near 0; −1 far below 0, NaN stays NaN. */
// @ts-ignore: decorator
@inline
export function expm14(x: v128): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(X_MAX)), f32x4.splat(X_MIN));
  const n = roundLog2(c);
  const r = f32x4.sub(f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  const t = pow2(n);
  return f32x4.add(f32x4.mul(t, poly(r)), f32x4.sub(t, f32x4.splat(1)));
}

/** fround(v·c) per lane with c a double, as the reference computes it (one double product, one rounding). */
// @ts-ignore: decorator
@inline
export function mulF64(v: v128, c: f64): v128 {
  const cv = f64x2.splat(c);
  const lo = f64x2.mul(f64x2.promote_low_f32x4(v), cv);
  const hi = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), cv);
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// The kernels' fast paths: the same range reduction, a degree-6 polynomial p = r + r²·P(r) fitted
// for relative error (one multiply-add fewer than Cephes'), constants from the table at `t`
// (constants.ts), and 2^n built by shifting the rounded sum's bits into the exponent field:
// about 24 instructions per four lanes against the 45 of exp4.

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
