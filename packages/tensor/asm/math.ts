// e^x, e^x − 1, log x and the functions built on them (log(1 + x), sigmoid, tanh, pow) on two
// doubles at a time, for the float32 elementwise kernels.
//
// The reference backend computes Math.exp and friends in double and rounds the result to
// float32. These routines are accurate to a few units in the last place of a double (a
// relative error near 1e-16, against the 6e-8 half-spacing of float32), so rounding their
// result to float32 gives the reference's bits unless the two doubles fall on either side of
// a float32 rounding boundary: about once in 10^8 arguments, and then 1 ulp apart.
// Coefficients: math-coefficients.py.
//
// Each routine takes and returns an f64x2; NaN lanes stay NaN.

const LOG2E: f64 = 1.4426950408889634;
const LN2: f64 = 0.6931471805599453;
// ln 2 = LN2_HI + LN2_LO, with LN2_HI's low 21 bits zero so n·LN2_HI is exact for |n| < 2^21.
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;
// Adding 1.5·2^52 rounds a double in (−2^51, 2^51) to an integer held in the low mantissa bits.
const ROUNDER: f64 = 6755399441055744.0;
// e^x is evaluated for x in [EXP_MIN, EXP_MAX], where 2^n stays a normal double. Beyond it float32
// results are 0 or ∞ after rounding; the double sums of `expSum` mask the lanes explicitly.
export const EXP_MIN: f64 = -708;
export const EXP_MAX: f64 = 709;

// e^r = 1 + r + r²·P(r) on |r| ≤ ln2/2 (absolute error of P 1.1e-16).
const P0: f64 = 0.5000000000000001;
const P1: f64 = 0.16666666666666669;
const P2: f64 = 0.041666666666624164;
const P3: f64 = 0.008333333333330065;
const P4: f64 = 0.0013888888917196719;
const P5: f64 = 0.00019841269863040545;
const P6: f64 = 2.4801521322368692e-05;
const P7: f64 = 2.7557268480310024e-06;
const P8: f64 = 2.7620075879983367e-07;
const P9: f64 = 2.5100375832561234e-08;

// One degree less for pow, whose own rounding (up to 2.3e-14) dwarfs their 1e-15.
const PP0: f64 = 0.5;
const PP1: f64 = 0.16666666666648303;
const PP2: f64 = 0.041666666666651364;
const PP3: f64 = 0.008333333353717156;
const PP4: f64 = 0.0013888888905871347;
const PP5: f64 = 0.0001984120875699232;
const PP6: f64 = 2.4801536409064087e-05;
const PP7: f64 = 2.7625102005388108e-06;
const PP8: f64 = 2.761379555451986e-07;

// 2 atanh(s) = 2s + s·z·Q(z), z = s² ≤ 0.0295 (absolute error of Q 3.1e-16).
const Q0: f64 = 0.666666666666667;
const Q1: f64 = 0.39999999999899505;
const Q2: f64 = 0.28571428625975487;
const Q3: f64 = 0.2222221113479508;
const Q4: f64 = 0.18182889125261723;
const Q5: f64 = 0.15331721600556042;
const Q6: f64 = 0.14616449685043406;
const PQ0: f64 = 0.6666666666666208;
const PQ1: f64 = 0.40000000011206505;
const PQ2: f64 = 0.2857142413832416;
const PQ3: f64 = 0.22222862280108716;
const PQ4: f64 = 0.18140193802865992;
const PQ5: f64 = 0.16621817152858928;

// The bits of √½: subtracting them from a double's bits and shifting gives the exponent k with
// x / 2^k in [√½, √2).
const SQRT_HALF_BITS: i64 = 0x3FE6A09E667F3BCD;

// @ts-ignore: decorator
@inline
function mulAdd(a: v128, b: v128, c: f64): v128 {
  return f64x2.add(f64x2.mul(a, b), f64x2.splat(c));
}

/**
 * e^r − 1 for |r| ≤ ln2/2, as r + r²·P(r) (Estrin's scheme: a short dependency chain); `short`
 * takes pow's lower degree.
 */
// @ts-ignore: decorator
@inline
function expm1Reduced(r: v128, short: bool = false): v128 {
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  let lo: v128, hi: v128;
  if (short) {
    lo = f64x2.add(mulAdd(r, f64x2.splat(PP1), PP0), f64x2.mul(r2, mulAdd(r, f64x2.splat(PP3), PP2)));
    hi = f64x2.add(mulAdd(r, f64x2.splat(PP5), PP4),
      f64x2.mul(r2, f64x2.add(mulAdd(r, f64x2.splat(PP7), PP6), f64x2.mul(r2, f64x2.splat(PP8)))));
  } else {
    lo = f64x2.add(mulAdd(r, f64x2.splat(P1), P0), f64x2.mul(r2, mulAdd(r, f64x2.splat(P3), P2)));
    hi = f64x2.add(mulAdd(r, f64x2.splat(P5), P4),
      f64x2.mul(r2, f64x2.add(mulAdd(r, f64x2.splat(P7), P6), f64x2.mul(r2, mulAdd(r, f64x2.splat(P9), P8)))));
  }
  return f64x2.add(r, f64x2.mul(r2, f64x2.add(lo, f64x2.mul(r4, hi))));
}

/** Clamps x to [EXP_MIN, EXP_MAX]; NaN stays NaN (pmin/pmax return their first operand then). */
// @ts-ignore: decorator
@inline
export function clampExp(x: v128): v128 {
  return f64x2.pmax(f64x2.pmin(x, f64x2.splat(EXP_MAX)), f64x2.splat(EXP_MIN));
}

/** e^x for x already clamped by `clampExp`. */
// @ts-ignore: decorator
@inline
export function expClamped(x: v128, short: bool = false): v128 {
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(ROUNDER));
  const n = f64x2.sub(t, f64x2.splat(ROUNDER));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
  // The low bits of t hold n; shifting by 52 drops the rounder's own bits.
  const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  return f64x2.mul(f64x2.add(f64x2.splat(1), expm1Reduced(r, short)), scale);
}

/** e^x; results beyond the float32 range round to 0 or ∞ when demoted. */
// @ts-ignore: decorator
@inline
export function exp2d(x: v128): v128 {
  return expClamped(clampExp(x));
}

/**
 * e^x − 1 = 2^n·(e^r − 1) + (2^n − 1): no cancellation near 0, where n = 0. −0 is kept (the
 * sum would turn it into +0).
 */
// @ts-ignore: decorator
@inline
export function expm12d(x: v128): v128 {
  const c = clampExp(x);
  const t = f64x2.add(f64x2.mul(c, f64x2.splat(LOG2E)), f64x2.splat(ROUNDER));
  const n = f64x2.sub(t, f64x2.splat(ROUNDER));
  const r = f64x2.sub(f64x2.sub(c, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
  const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  const e = f64x2.add(f64x2.mul(scale, expm1Reduced(r)), f64x2.sub(scale, f64x2.splat(1)));
  return v128.bitselect(x, e, f64x2.eq(x, f64x2.splat(0)));
}

/**
 * log x for lanes with 0 < x < ∞ (other lanes give garbage; see `log2d`); `short` gives pow's
 * log2 x with the lower degree instead.
 */
// @ts-ignore: decorator
@inline
function logPositive(x: v128, short: bool = false): v128 {
  // x = 2^k·m with m in [√½, √2), so log m = log(1 + f) with |f| < 0.42. k sits in the top 12
  // bits of d; taking it from the high 32-bit halves avoids a 64-bit arithmetic shift, which x64
  // lacks before AVX-512.
  const d = i64x2.sub(x, i64x2.splat(SQRT_HALF_BITS));
  const k = i32x4.shr_s(v128.shuffle<i32>(d, d, 1, 3, 1, 3), 20);
  const m = i64x2.sub(x, v128.and(d, i64x2.splat(0xFFF0000000000000)));
  const f = f64x2.sub(m, f64x2.splat(1));
  // log(1 + f) = 2 atanh(s) with s = f/(2 + f); written f − s·(f − z·Q(z)) since f = 2s + s·f.
  const s = f64x2.div(f, f64x2.add(f, f64x2.splat(2)));
  const z = f64x2.mul(s, s);
  const z2 = f64x2.mul(z, z);
  let q: v128;
  if (short) {
    q = f64x2.add(mulAdd(z, f64x2.splat(PQ1), PQ0),
      f64x2.mul(z2, f64x2.add(mulAdd(z, f64x2.splat(PQ3), PQ2), f64x2.mul(z2, mulAdd(z, f64x2.splat(PQ5), PQ4)))));
  } else {
    q = f64x2.add(mulAdd(z, f64x2.splat(Q1), Q0), f64x2.mul(z2, f64x2.add(mulAdd(z, f64x2.splat(Q3), Q2),
      f64x2.mul(z2, f64x2.add(mulAdd(z, f64x2.splat(Q5), Q4), f64x2.mul(z2, f64x2.splat(Q6)))))));
  }
  const logM = f64x2.sub(f, f64x2.mul(s, f64x2.sub(f, f64x2.mul(z, q))));
  const kd = f64x2.convert_low_i32x4_s(k);
  if (short) return f64x2.add(kd, f64x2.mul(logM, f64x2.splat(LOG2E)));
  return f64x2.add(f64x2.mul(kd, f64x2.splat(LN2_HI)), f64x2.add(logM, f64x2.mul(kd, f64x2.splat(LN2_LO))));
}

/** log x: −∞ at ±0, NaN below 0 and at NaN, ∞ at ∞. */
// @ts-ignore: decorator
@inline
export function log2d(x: v128): v128 {
  return fixLog(x, logPositive(x));
}

/** `y` where 0 < x < ∞, otherwise log x's special value. */
// @ts-ignore: decorator
@inline
function fixLog(x: v128, y: v128): v128 {
  const inf = f64x2.splat(Infinity);
  const finite = v128.and(f64x2.gt(x, f64x2.splat(0)), f64x2.lt(x, inf));
  if (v128.all_true<i64>(finite)) return y;
  const special = v128.bitselect(f64x2.splat(-Infinity), v128.bitselect(x, f64x2.splat(NaN), f64x2.eq(x, inf)), f64x2.eq(x, f64x2.splat(0)));
  return v128.bitselect(y, special, finite);
}

/**
 * log(1 + x) = log u + c/u with u = 1 + x rounded and c = x − (u − 1) the part of x the sum
 * lost (exact for |x| ≤ 1, negligible beyond). −0 is kept.
 */
// @ts-ignore: decorator
@inline
export function log1p2d(x: v128): v128 {
  const one = f64x2.splat(1);
  const u = f64x2.add(one, x);
  const c = f64x2.sub(x, f64x2.sub(u, one));
  const y = fixLog(u, f64x2.add(logPositive(u), f64x2.div(c, u)));
  return v128.bitselect(x, y, f64x2.eq(x, f64x2.splat(0)));
}

/** 1/(1 + e^−x) for x ≥ 0 and e^x/(1 + e^x) below, the reference's two forms: e^−|x| never overflows. */
// @ts-ignore: decorator
@inline
export function sigmoid2d(x: v128): v128 {
  const e = exp2d(f64x2.neg(f64x2.abs(x)));
  const numerator = v128.bitselect(f64x2.splat(1), e, f64x2.ge(x, f64x2.splat(0)));
  return f64x2.div(numerator, f64x2.add(f64x2.splat(1), e));
}

/** tanh x = sign(x)·(−t/(2 + t)) with t = e^{−2|x|} − 1: accurate near 0, ±1 far out, −0 kept. */
// @ts-ignore: decorator
@inline
export function tanh2d(x: v128): v128 {
  const a = f64x2.abs(x);
  const t = expm12d(f64x2.mul(a, f64x2.splat(-2)));
  const y = f64x2.div(f64x2.neg(t), f64x2.add(t, f64x2.splat(2)));
  return v128.or(y, v128.xor(x, a));
}

/**
 * Math.pow's a^b as 2^{b·log2|a|}. The product's rounding error (|b·log2|a|| ≤ 150 where the
 * float32 result is neither 0 nor ∞) costs at most 2.3e-14 relative, still far below float32's
 * 6e-8, so exact powers (2^3, 10^2, 2^−150) come out exact. An exact power that falls exactly
 * halfway between two floats (257^3 = 16974593) may still round to the other one: 1 ulp. For a
 * positive finite base the formula is already JavaScript's pow, whose special cases differ
 * from C's at 1^±∞ and 1^NaN (NaN, not 1): b = 0 gives 2^0 = 1, b = ±∞ gives 0 or ∞, and 0·∞
 * gives NaN at 1^±∞.
 */
// @ts-ignore: decorator
@inline
export function pow2d(a: v128, b: v128): v128 {
  const positive = v128.and(f64x2.gt(a, f64x2.splat(0)), f64x2.lt(a, f64x2.splat(Infinity)));
  const y = v128.all_true<i64>(positive) ? powPositive(a, b) : powAny(a, b);
  return squares(a, b, y);
}

/**
 * a^b for 0 < a < ∞ (see `pow2d`), as 2^{b·log2 a}: base 2 saves the splits of ln 2 on both
 * sides, and y − n is exact, so r = (y − n)·ln 2 costs one rounding.
 */
// @ts-ignore: decorator
@inline
export function powPositive(a: v128, b: v128): v128 {
  return exp2Short(f64x2.mul(b, logPositive(a, true)));
}

/** 2^y, NaN kept, with pow's polynomial. */
// @ts-ignore: decorator
@inline
function exp2Short(y: v128): v128 {
  const c = f64x2.pmax(f64x2.pmin(y, f64x2.splat(1023)), f64x2.splat(-1021));
  const t = f64x2.add(c, f64x2.splat(ROUNDER));
  const r = f64x2.mul(f64x2.sub(c, f64x2.sub(t, f64x2.splat(ROUNDER))), f64x2.splat(LN2));
  const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  return f64x2.mul(f64x2.add(f64x2.splat(1), expm1Reduced(r, true)), scale);
}

/**
 * `y` with a·a where b = 2: the reference squares by multiplication (fdlibm's pow does), exact
 * in double for a float a, where 2^{2·log2 a} could round a square that falls exactly halfway
 * between two floats the other way.
 */
// @ts-ignore: decorator
@inline
function squares(a: v128, b: v128, y: v128): v128 {
  return v128.bitselect(f64x2.mul(a, a), y, f64x2.eq(b, f64x2.splat(2)));
}

/** a^b for any a: zero, infinite, negative and NaN bases too. */
function powAny(a: v128, b: v128): v128 {
  const zero = f64x2.splat(0);
  // log 0 = −∞ makes 0^b and ∞^b come out as 0 or ∞.
  const m = f64x2.abs(a);
  const y = exp2Short(f64x2.mul(b, fixLog(m, logPositive(m, true))));
  const bInteger = f64x2.eq(f64x2.floor(b), b);
  const half = f64x2.mul(b, f64x2.splat(0.5));
  const bOdd = v128.andnot(bInteger, f64x2.eq(f64x2.floor(half), half));
  // A negative base (−0 and −∞ included) with an odd exponent gives a negative result.
  let r = v128.or(y, v128.and(v128.and(bOdd, a), f64x2.splat(-0.0)));
  // A finite negative base with a non-integral exponent has no real power.
  const noReal = v128.andnot(v128.and(f64x2.lt(a, zero), f64x2.gt(a, f64x2.splat(-Infinity))), bInteger);
  r = v128.or(r, noReal);
  // x^±0 = 1 for every x, NaN included.
  return v128.bitselect(f64x2.splat(1), r, f64x2.eq(b, zero));
}
