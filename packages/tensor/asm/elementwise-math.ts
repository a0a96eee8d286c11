// e^x, log x, e^x − 1, log(1 + x), sigmoid, tanh, a^b and the log-sum-exp sum over contiguous
// f32 runs. Like the reference, each evaluates in double and rounds once on store; math.ts says
// how close that comes to the reference's bits. Floats are widened to f64x2 halves of f32x4s.

import { demote4, high, low } from './lanes';
import { clampExp, EXP_MAX, EXP_MIN, exp2d, expClamped, expm12d, log1p2d, log2d, pow2d, powPositive, sigmoid2d, tanh2d } from './math';

// Op codes, shared with the TypeScript side.
const EXP = 0;
const LOG = 1;
const EXPM1 = 2;
const LOG1P = 3;
const SIGMOID = 4;
const TANH = 5;

// @ts-ignore: decorator
@inline
function apply(op: i32, x: v128): v128 {
  if (op == EXP) return exp2d(x);
  if (op == LOG) return log2d(x);
  if (op == EXPM1) return expm12d(x);
  if (op == LOG1P) return log1p2d(x);
  if (op == SIGMOID) return sigmoid2d(x);
  return tanh2d(x);
}

/** out[i] = op(x[i]) over contiguous runs (out may be x). */
export function mathF32(op: i32, n: i32, x: usize, out: usize): void {
  // One loop per op, so the op test is hoisted out of it.
  if (op == EXP) mathLoop(EXP, n, x, out);
  else if (op == LOG) mathLoop(LOG, n, x, out);
  else if (op == EXPM1) mathLoop(EXPM1, n, x, out);
  else if (op == LOG1P) mathLoop(LOG1P, n, x, out);
  else if (op == SIGMOID) mathLoop(SIGMOID, n, x, out);
  else if (op == TANH) mathLoop(TANH, n, x, out);
}

// @ts-ignore: decorator
@inline
function mathLoop(op: i32, n: i32, x: usize, out: usize): void {
  let i = 0;
  // Eight lanes a step: four independent dependency chains keep the core busier than two.
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const v = v128.load(x + o), v2 = v128.load(x + o + 16);
    const r0 = apply(op, low(v)), r1 = apply(op, high(v)), r2 = apply(op, low(v2)), r3 = apply(op, high(v2));
    v128.store(out + o, demote4(r0, r1));
    v128.store(out + o + 16, demote4(r2, r3));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(out + o, demote4(apply(op, low(v)), apply(op, high(v))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, <f32>f64x2.extract_lane(apply(op, f64x2.splat(<f64>load<f32>(x + o))), 0));
  }
}

/**
 * out[i] = a[i]^b[i] (Math.pow) with unit or zero strides; a zero-stride operand is the double
 * `s` rather than an element, so a scalar exponent such as 1/3 keeps its double value as in the
 * reference.
 */
export function powF32(n: i32, a: usize, aStride: i32, b: usize, bStride: i32, s: f64, out: usize): void {
  if (aStride == 1 && bStride == 1) powLoop(0, n, a, b, s, out);
  else if (aStride == 1) powLoop(1, n, a, b, s, out);
  else powLoop(2, n, a, b, s, out);
}

// @ts-ignore: decorator
@inline
function powLoop(scalar: i32, n: i32, a: usize, b: usize, s: f64, out: usize): void {
  const sv = f64x2.splat(s);
  const sPositive = s > 0 && s < Infinity;
  const zero = f32x4.splat(0), inf = f32x4.splat(Infinity), two = f32x4.splat(2);
  let i = 0;
  // Eight lanes a step: a log then an exp is a long dependency chain, and four of them side by
  // side keep the core busy (twice the speed of two).
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const va = scalar == 2 ? sv : v128.load(a + o), va2 = scalar == 2 ? sv : v128.load(a + o + 16);
    const vb = scalar == 1 ? sv : v128.load(b + o), vb2 = scalar == 1 ? sv : v128.load(b + o + 16);
    // Positive finite bases need none of pow's special cases, nor squares their fix.
    const positive = scalar == 2 ? sPositive : v128.all_true<i32>(v128.and(
      v128.and(f32x4.gt(va, zero), f32x4.lt(va, inf)), v128.and(f32x4.gt(va2, zero), f32x4.lt(va2, inf))));
    const square = scalar == 1 ? s == 2 : v128.any_true(v128.or(f32x4.eq(vb, two), f32x4.eq(vb2, two)));
    if (positive && !square) {
      const p0 = powPositive(scalar == 2 ? sv : low(va), scalar == 1 ? sv : low(vb));
      const p1 = powPositive(scalar == 2 ? sv : high(va), scalar == 1 ? sv : high(vb));
      const p2 = powPositive(scalar == 2 ? sv : low(va2), scalar == 1 ? sv : low(vb2));
      const p3 = powPositive(scalar == 2 ? sv : high(va2), scalar == 1 ? sv : high(vb2));
      v128.store(out + o, demote4(p0, p1));
      v128.store(out + o + 16, demote4(p2, p3));
    } else {
      pow4(scalar, va, vb, sv, out + o);
      pow4(scalar, va2, vb2, sv, out + o + 16);
    }
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    pow4(scalar, scalar == 2 ? sv : v128.load(a + o), scalar == 1 ? sv : v128.load(b + o), sv, out + o);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const x = scalar == 2 ? sv : f64x2.splat(<f64>load<f32>(a + o));
    const y = scalar == 1 ? sv : f64x2.splat(<f64>load<f32>(b + o));
    store<f32>(out + o, <f32>f64x2.extract_lane(pow2d(x, y), 0));
  }
}

/** Four lanes of a^b with every special case; a scalar operand comes as the f64x2 `sv`. */
// @ts-ignore: decorator
@inline
function pow4(scalar: i32, va: v128, vb: v128, sv: v128, out: usize): void {
  const aLo = scalar == 2 ? sv : low(va), aHi = scalar == 2 ? sv : high(va);
  const bLo = scalar == 1 ? sv : low(vb), bHi = scalar == 1 ? sv : high(vb);
  v128.store(out, demote4(pow2d(aLo, bLo), pow2d(aHi, bHi)));
}

/**
 * e^d for a double d, kept in double: 0 below EXP_MIN and ∞ above EXP_MAX (the reference gives
 * values below 3e-308 and, up to 709.78, finite ones there; a sum shifted by its maximum never
 * sees d > 0).
 */
// @ts-ignore: decorator
@inline
function expDouble(d: v128): v128 {
  const e = v128.andnot(expClamped(clampExp(d)), f64x2.lt(d, f64x2.splat(EXP_MIN)));
  return v128.bitselect(f64x2.splat(Infinity), e, f64x2.gt(d, f64x2.splat(EXP_MAX)));
}

/** Σ e^{x[i] − shift} over a contiguous run, in double (the inner sum of a stable log-sum-exp). */
export function expSumF32(n: i32, x: usize, shift: f64): f64 {
  const sv = f64x2.splat(shift);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  // Eight lanes a step, so four e^x chains are in flight; each accumulator still adds its lanes
  // in the order of the four-lane loop below.
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(x + (<usize>i << 2)), v2 = v128.load(x + (<usize>i << 2) + 16);
    const e0 = expDouble(f64x2.sub(low(v), sv)), e1 = expDouble(f64x2.sub(high(v), sv));
    const e2 = expDouble(f64x2.sub(low(v2), sv)), e3 = expDouble(f64x2.sub(high(v2), sv));
    acc0 = f64x2.add(f64x2.add(acc0, e0), e2);
    acc1 = f64x2.add(f64x2.add(acc1, e1), e3);
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc0 = f64x2.add(acc0, expDouble(f64x2.sub(low(v), sv)));
    acc1 = f64x2.add(acc1, expDouble(f64x2.sub(high(v), sv)));
  }
  const acc = f64x2.add(acc0, acc1);
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) {
    sum += f64x2.extract_lane(expDouble(f64x2.splat(<f64>load<f32>(x + (<usize>i << 2)) - shift)), 0);
  }
  return sum;
}

/** out[i] += e^{x[i] − shift[i]} over contiguous runs, each sum in double and rounded on store. */
export function expAddF32(n: i32, x: usize, shift: usize, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o), s = v128.load(shift + o), acc = v128.load(out + o);
    const lo = f64x2.add(low(acc), expDouble(f64x2.sub(low(v), low(s))));
    const hi = f64x2.add(high(acc), expDouble(f64x2.sub(high(v), high(s))));
    v128.store(out + o, demote4(lo, hi));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = <f64>load<f32>(x + o) - <f64>load<f32>(shift + o);
    store<f32>(out + o, <f32>(<f64>load<f32>(out + o) + f64x2.extract_lane(expDouble(f64x2.splat(d)), 0)));
  }
}
