// Elementwise and reduction loops over contiguous f32 runs, four lanes at a time.
//
// Each kernel gives the same bits as the TypeScript reference backend, which
// computes in double and rounds once on store: for +, −, ×, ÷ and √ of two
// floats, rounding the double result to float equals the float operation, so
// those run in f32x4. Where the reference keeps a double across several
// operations (axpy, sums, Adam) the kernel does too, in f64x2.
//
// Pointers are byte addresses; a stride of 0 repeats one element (broadcast).

import { demote4, high, low } from './lanes';

// Binary op codes, shared with the TypeScript side.
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;

// Unary op codes.
const COPY = 0;
const NEG = 1;
const ABS = 2;
const SQRT = 3;
const SQUARE = 4;
const RELU = 5;

// @ts-ignore: decorator
@inline
function apply4(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  if (op == DIV) return f32x4.div(x, y);
  // The reference's x > y || x ≠ x ? x : y (NaN from either side; y on ties, so max(+0, −0) = −0),
  // which f32x4.max does not give at ±0.
  if (op == MAX) return v128.bitselect(x, y, v128.or(f32x4.gt(x, y), f32x4.ne(x, x)));
  return v128.bitselect(x, y, v128.or(f32x4.lt(x, y), f32x4.ne(x, x)));
}

// @ts-ignore: decorator
@inline
function apply1(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == MAX) return x > y || x != x ? x : y;
  return x < y || x != x ? x : y;
}

/** out[i] = a[i] op b[i] for unit or zero strides on a and b (not both zero); out is contiguous. */
export function binaryF32(op: i32, n: i32, a: usize, aStride: i32, b: usize, bStride: i32, out: usize): void {
  // One loop per op and stride pattern, so the op test is hoisted out of the loop.
  if (op == ADD) binaryLoop(ADD, n, a, aStride, b, bStride, out);
  else if (op == SUB) binaryLoop(SUB, n, a, aStride, b, bStride, out);
  else if (op == MUL) binaryLoop(MUL, n, a, aStride, b, bStride, out);
  else if (op == DIV) binaryLoop(DIV, n, a, aStride, b, bStride, out);
  else if (op == MAX) binaryLoop(MAX, n, a, aStride, b, bStride, out);
  else if (op == MIN) binaryLoop(MIN, n, a, aStride, b, bStride, out);
}

// @ts-ignore: decorator
@inline
function binaryLoop(op: i32, n: i32, a: usize, aStride: i32, b: usize, bStride: i32, out: usize): void {
  let i = 0;
  if (aStride == 1 && bStride == 1) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, apply4(op, v128.load(a + o), v128.load(b + o)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, apply1(op, load<f32>(a + o), load<f32>(b + o)));
    }
  } else if (aStride == 1) {
    const s = load<f32>(b);
    const sv = f32x4.splat(s);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, apply4(op, v128.load(a + o), sv));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, apply1(op, load<f32>(a + o), s));
    }
  } else {
    const s = load<f32>(a);
    const sv = f32x4.splat(s);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, apply4(op, sv, v128.load(b + o)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, apply1(op, s, load<f32>(b + o)));
    }
  }
}

/** out[i] = op(x[i]) over contiguous runs. */
export function unaryF32(op: i32, n: i32, x: usize, out: usize): void {
  let i = 0;
  const zero = f32x4.splat(0);
  if (op == COPY) {
    memory.copy(out, x, <usize>n << 2);
    return;
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    let r: v128;
    if (op == NEG) r = f32x4.neg(v);
    else if (op == ABS) r = f32x4.abs(v);
    else if (op == SQRT) r = f32x4.sqrt(v);
    else if (op == SQUARE) r = f32x4.mul(v, v);
    // v > 0 ? v : 0, so NaN and −0 give +0 as in the reference.
    else r = v128.and(v, f32x4.gt(v, zero));
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let r: f32;
    if (op == NEG) r = -v;
    else if (op == ABS) r = abs<f32>(v);
    else if (op == SQRT) r = sqrt<f32>(v);
    else if (op == SQUARE) r = v * v;
    else r = v > 0 ? v : 0;
    store<f32>(out + o, r);
  }
}

/**
 * out[i] = x[i] < loBelow ? lo : x[i] > hiAbove ? hi : x[i], NaN passing through: the reference's
 * clamp with bounds that need not be floats. The caller passes the float bounds that decide
 * the comparisons as the double ones would (loBelow the least float ≥ the double lower bound,
 * hiAbove the greatest float ≤ the upper one) and the bounds rounded to float as lo and hi.
 */
export function clampF32(n: i32, x: usize, out: usize, loBelow: f32, lo: f32, hiAbove: f32, hi: f32): void {
  const lbv = f32x4.splat(loBelow), lov = f32x4.splat(lo), hav = f32x4.splat(hiAbove), hiv = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const r = v128.bitselect(hiv, v, f32x4.gt(v, hav));
    v128.store(out + o, v128.bitselect(lov, r, f32x4.lt(v, lbv)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v < loBelow ? lo : v > hiAbove ? hi : v);
  }
}

/** y[i] += alpha·x[i] with the product and sum in double, as the reference does. */
export function axpyF32(n: i32, alpha: f64, x: usize, y: usize): void {
  let i = 0;
  // Gradient accumulation (α = ±1) adds floats: rounding their exact double sum to float
  // is the float sum (53 ≥ 2·24 + 2 bits), so f32x4 gives the reference's bits at twice the pace.
  if (alpha == 1 || alpha == -1) {
    const sub = alpha < 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const xv = v128.load(x + o);
      const yv = v128.load(y + o);
      v128.store(y + o, sub ? f32x4.sub(yv, xv) : f32x4.add(yv, xv));
    }
  }
  const av = f64x2.splat(alpha);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const xv = v128.load(x + o);
    const yv = v128.load(y + o);
    const lo = f64x2.add(low(yv), f64x2.mul(av, low(xv)));
    const hi = f64x2.add(high(yv), f64x2.mul(av, high(xv)));
    v128.store(y + o, demote4(lo, hi));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, <f32>(<f64>load<f32>(y + o) + alpha * <f64>load<f32>(x + o)));
  }
}

/** Σ x[i] over a contiguous run, accumulated in double. */
export function sumF32(n: i32, x: usize): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc0 = f64x2.add(acc0, low(v));
    acc1 = f64x2.add(acc1, high(v));
  }
  const acc = f64x2.add(acc0, acc1);
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/**
 * One Adam step over contiguous runs, in double like the reference:
 * g' = g + l2·w; m ← b1·m + a1·g'; v ← b2·v + a2·g'²;
 * w ← w·shrink − stepSize·m / (√v·invSqrtC2 + eps), with m and v rounded to
 * float only when stored (the update uses their double values).
 */
export function adamF32(
  n: i32, w: usize, g: usize, m: usize, v: usize,
  b1: f64, b2: f64, a1: f64, a2: f64, stepSize: f64, invSqrtC2: f64, eps: f64, l2: f64, shrink: f64,
): void {
  const b1v = f64x2.splat(b1), b2v = f64x2.splat(b2), a1v = f64x2.splat(a1), a2v = f64x2.splat(a2);
  const stepv = f64x2.splat(stepSize), cv = f64x2.splat(invSqrtC2), epsv = f64x2.splat(eps);
  const l2v = f64x2.splat(l2), shrinkv = f64x2.splat(shrink);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const wv = f64x2.promote_low_f32x4(v128.load64_zero(w + o));
    const gv = f64x2.promote_low_f32x4(v128.load64_zero(g + o));
    const mv = f64x2.promote_low_f32x4(v128.load64_zero(m + o));
    const vv = f64x2.promote_low_f32x4(v128.load64_zero(v + o));
    const grad = f64x2.add(gv, f64x2.mul(l2v, wv));
    const mj = f64x2.add(f64x2.mul(b1v, mv), f64x2.mul(a1v, grad));
    const vj = f64x2.add(f64x2.mul(b2v, vv), f64x2.mul(f64x2.mul(a2v, grad), grad));
    v128.store64_lane(m + o, f32x4.demote_f64x2_zero(mj), 0);
    v128.store64_lane(v + o, f32x4.demote_f64x2_zero(vj), 0);
    const step = f64x2.div(f64x2.mul(stepv, mj), f64x2.add(f64x2.mul(f64x2.sqrt(vj), cv), epsv));
    v128.store64_lane(w + o, f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(wv, shrinkv), step)), 0);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wj = <f64>load<f32>(w + o);
    const grad = <f64>load<f32>(g + o) + l2 * wj;
    const mj = b1 * <f64>load<f32>(m + o) + a1 * grad;
    const vj = b2 * <f64>load<f32>(v + o) + a2 * grad * grad;
    store<f32>(m + o, <f32>mj);
    store<f32>(v + o, <f32>vj);
    store<f32>(w + o, <f32>(wj * shrink - (stepSize * mj) / (Math.sqrt(vj) * invSqrtC2 + eps)));
  }
}
