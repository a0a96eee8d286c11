// Elementwise and reduction loops over contiguous f32 runs, four lanes at a time.
//
// Each kernel gives the same bits as the TypeScript reference backend, which
// computes in double and rounds once on store: for +, −, ×, ÷ and √ of two
// floats, rounding the double result to float equals the float operation, so
// those run in f32x4. Where the reference keeps a double across several
// operations (axpy, sums) the kernel does too, in f64x2. (Adam, in adam.ts, computes in float32.)
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

/**
 * A row vector broadcast over a contiguous [rows, n] matrix in one call (a bias add): row r of
 * out is row r of a op row r of b, where an operand whose row step is 0 is the same row every
 * time. Steps are in bytes. Each row runs the same loop as `binaryF32`, so the bits are its.
 */
export function binaryRowsF32(op: i32, rows: i32, n: i32, a: usize, aStep: usize, b: usize, bStep: usize, out: usize): void {
  const outStep = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    binaryF32(op, n, a, 1, b, 1, out);
    a += aStep;
    b += bStep;
    out += outStep;
  }
}

/**
 * out[j] += Σ_r x[r·n + j]: column sums of a contiguous [rows, n] matrix (a bias gradient) in one
 * call. Each column adds its rows in order in float, as a row-by-row fold does, so the bits are
 * those of `rows` calls of binaryF32's add; 16 columns at a time stay in registers over all rows.
 */
export function sumRowsF32(rows: i32, n: i32, x: usize, out: usize): void {
  const step = <usize>n << 2;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const o = out + (<usize>j << 2);
    let a0 = v128.load(o), a1 = v128.load(o, 16), a2 = v128.load(o, 32), a3 = v128.load(o, 48);
    let p = x + (<usize>j << 2);
    for (let r = 0; r < rows; r++, p += step) {
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32));
      a3 = f32x4.add(a3, v128.load(p, 48));
    }
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
  for (; j + 4 <= n; j += 4) {
    const o = out + (<usize>j << 2);
    let a0 = v128.load(o);
    let p = x + (<usize>j << 2);
    for (let r = 0; r < rows; r++, p += step) a0 = f32x4.add(a0, v128.load(p));
    v128.store(o, a0);
  }
  for (; j < n; j++) {
    const o = out + (<usize>j << 2);
    let a0 = load<f32>(o);
    let p = x + (<usize>j << 2);
    for (let r = 0; r < rows; r++, p += step) a0 += load<f32>(p);
    store<f32>(o, a0);
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
  let acc2 = f64x2.splat(0);
  let acc3 = f64x2.splat(0);
  let i = 0;
  // Four chains of double adds: with two, the loop waits on the add's latency (a 128×784 batch,
  // as Trainer checks it for NaN: 29 → 24 µs a call).
  for (; i + 8 <= n; i += 8) {
    const p = x + (<usize>i << 2);
    const v = v128.load(p);
    const w = v128.load(p, 16);
    acc0 = f64x2.add(acc0, low(v));
    acc1 = f64x2.add(acc1, high(v));
    acc2 = f64x2.add(acc2, low(w));
    acc3 = f64x2.add(acc3, high(w));
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc0 = f64x2.add(acc0, low(v));
    acc1 = f64x2.add(acc1, high(v));
  }
  const acc = f64x2.add(f64x2.add(acc0, acc2), f64x2.add(acc1, acc3));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}
