// Forward and backward passes of the elementwise activations over contiguous f32 runs, four
// lanes at a time. They mirror the reference loops of autograd's definitions
// (packages/autograd/src/activations/*.ts; parity: autograd/test/wasm-activations.test.ts), which compute
// in double and round once on store:
// - ReLU, leaky ReLU, the s ≥ 0 branches of ELU and SELU, and every backward that reads only the
//   saved output (sigmoid, tanh, ELU) give the reference's bits: selects are exact, and products
//   with a double constant or several double operations run in f64x2 (mulF64, dmul).
// - Whatever needs e^x (sigmoid, tanh, the s < 0 branches of ELU and SELU) runs in f32 through
//   expLow4/expm1Low4 and lands within a few ulp of the reference.
// Kinks follow the notes: at s = 0 the derivative comes from the s ≥ 0 branch (ReLU'(0) = 1).
// Pointers are byte addresses.

import { constantTable, K_ONE, K_ONE_F64, K_SELU_LAMBDA_ALPHA_F64, K_SELU_LAMBDA_F64, K_SIGN, K_TANH_CLAMP, K_TWO, k } from './constants';
import { expLow4, expm1Low4, mulF64 } from './exp';
import { demote4, high, low } from './lanes';
import { GELU, GELU_TANH, modernBackward4, modernForward4, SILU, SOFTPLUS } from './activations-modern';

// Op codes, shared with src/backend/wasm/activations.ts.
const SIGMOID = 0;
const TANH = 1;
const RELU = 2;
const LEAKY_RELU = 3;
const ELU = 4;
const SELU = 5;
// ELU with an α that is a float32 value: α·x rounded once is then the f32 product (below).
const ELU_F32_ALPHA = 100;

// @ts-ignore: decorator
@inline
function zero(): v128 {
  return f32x4.splat(0);
}

// @ts-ignore: decorator
@inline
function isNonNegative(s: v128): v128 {
  return f32x4.ge(s, zero());
}

/** fround(g·a·(1 − a)) or fround(g·(1 − a²)) or fround(g·(a + α)) per lane, in double like the reference. */
// @ts-ignore: decorator
@inline
function dmulHalf(op: i32, gd: v128, ad: v128, alpha: f64, t: usize): v128 {
  const one = k(t, K_ONE_F64);
  if (op == SIGMOID) return f64x2.mul(f64x2.mul(gd, ad), f64x2.sub(one, ad));
  if (op == TANH) return f64x2.mul(gd, f64x2.sub(one, f64x2.mul(ad, ad)));
  return f64x2.mul(gd, f64x2.add(ad, f64x2.splat(alpha)));
}

// @ts-ignore: decorator
@inline
function dmul(op: i32, g: v128, a: v128, alpha: f64, t: usize): v128 {
  return demote4(dmulHalf(op, low(g), low(a), alpha, t), dmulHalf(op, high(g), high(a), alpha, t));
}

// @ts-ignore: decorator
@inline
function forward4(op: i32, s: v128, alpha: f64, t: usize): v128 {
  if (op == SIGMOID) {
    // e^{−|s|} never overflows: 1/(1 + e) for s ≥ 0, e/(1 + e) for s < 0.
    const e = expLow4(v128.or(s, k(t, K_SIGN)), t);
    const inv = f32x4.div(k(t, K_ONE), f32x4.add(k(t, K_ONE), e));
    return v128.bitselect(inv, f32x4.mul(e, inv), isNonNegative(s));
  }
  if (op == TANH) {
    // tanh|s| = (e^{2|s|} − 1)/(e^{2|s|} + 1) from e^x − 1, exact near 0; the sign is copied back
    // (−0 stays −0). tanh rounds to ±1 in float32 beyond |s| ≈ 9.01, so |s| is clamped at 10.
    const x = f32x4.pmin(f32x4.abs(s), k(t, K_TANH_CLAMP));
    const m = expm1Low4(f32x4.add(x, x), t);
    const r = f32x4.div(m, f32x4.add(m, k(t, K_TWO)));
    return v128.or(r, v128.and(s, k(t, K_SIGN)));
  }
  if (op == RELU) {
    // A NaN input stays NaN; + 0 turns −0 into 0.
    const keep = v128.or(isNonNegative(s), f32x4.ne(s, s));
    return f32x4.add(v128.and(s, keep), zero());
  }
  if (op == LEAKY_RELU) return v128.bitselect(s, mulF64(s, f64x2.splat(alpha)), isNonNegative(s));
  // The product of two floats is exact in double, so fround(α·x) is the f32 product when α is a float.
  if (op == ELU_F32_ALPHA) return v128.bitselect(s, f32x4.mul(expm1Low4(s, t), f32x4.splat(<f32>alpha)), isNonNegative(s));
  if (op == ELU) return v128.bitselect(s, mulF64(expm1Low4(s, t), f64x2.splat(alpha)), isNonNegative(s));
  if (op == SELU) {
    return v128.bitselect(mulF64(s, k(t, K_SELU_LAMBDA_F64)), mulF64(expm1Low4(s, t), k(t, K_SELU_LAMBDA_ALPHA_F64)),
      isNonNegative(s));
  }
  return modernForward4(op, s, t);
}

/** `saved` is the output a for sigmoid, tanh and ELU, the input s for the others. */
// @ts-ignore: decorator
@inline
function backward4(op: i32, g: v128, saved: v128, alpha: f64, t: usize): v128 {
  if (op == SIGMOID || op == TANH) return dmul(op, g, saved, alpha, t);
  if (op == RELU) return f32x4.add(v128.and(g, isNonNegative(saved)), zero());
  if (op == LEAKY_RELU) return v128.bitselect(g, mulF64(g, f64x2.splat(alpha)), isNonNegative(saved));
  if (op == ELU) return v128.bitselect(g, dmul(ELU, g, saved, alpha, t), isNonNegative(saved));
  if (op == SELU) {
    // g·λ for s ≥ 0, g·(λα·e^s) for s < 0.
    const neg = mulF64(expLow4(saved, t), k(t, K_SELU_LAMBDA_ALPHA_F64));
    return v128.bitselect(mulF64(g, k(t, K_SELU_LAMBDA_F64)), f32x4.mul(g, neg), isNonNegative(saved));
  }
  return modernBackward4(op, g, saved, t);
}

/** The last 1–3 elements as lanes (the rest 0), so the tail runs the same code as the body. */
// @ts-ignore: decorator
@inline
function loadTail(p: usize, rem: i32): v128 {
  let v = f32x4.replace_lane(zero(), 0, load<f32>(p));
  if (rem > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + 4));
  if (rem > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 8));
  return v;
}

// @ts-ignore: decorator
@inline
function storeTail(p: usize, v: v128, rem: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (rem > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (rem > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

// @ts-ignore: decorator
@inline
function forwardLoop(op: i32, n: i32, s: usize, a: usize, alpha: f64): void {
  const t = constantTable();
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, forward4(op, v128.load(s + o), alpha, t));
  }
  if (i < n) {
    const o = <usize>i << 2;
    storeTail(a + o, forward4(op, loadTail(s + o, n - i), alpha, t), n - i);
  }
}

// @ts-ignore: decorator
@inline
function backwardLoop(op: i32, n: i32, g: usize, saved: usize, dx: usize, alpha: f64): void {
  const t = constantTable();
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, backward4(op, v128.load(g + o), v128.load(saved + o), alpha, t));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const rem = n - i;
    storeTail(dx + o, backward4(op, loadTail(g + o, rem), loadTail(saved + o, rem), alpha, t), rem);
  }
}

/** a[i] = f(s[i]) for n contiguous elements; `alpha` is leaky ReLU's or ELU's α, or 1 for GELU's tanh form. */
export function activationForwardF32(op: i32, n: i32, s: usize, a: usize, alpha: f64): void {
  // One loop per op, so the op test is hoisted out of the loop.
  if (op == SIGMOID) forwardLoop(SIGMOID, n, s, a, alpha);
  else if (op == TANH) forwardLoop(TANH, n, s, a, alpha);
  else if (op == RELU) forwardLoop(RELU, n, s, a, alpha);
  else if (op == LEAKY_RELU) forwardLoop(LEAKY_RELU, n, s, a, alpha);
  else if (op == ELU && <f64><f32>alpha == alpha) forwardLoop(ELU_F32_ALPHA, n, s, a, alpha);
  else if (op == ELU) forwardLoop(ELU, n, s, a, alpha);
  else if (op == SELU) forwardLoop(SELU, n, s, a, alpha);
  else if (op == GELU && alpha != 0) forwardLoop(GELU_TANH, n, s, a, alpha);
  else if (op == GELU) forwardLoop(GELU, n, s, a, alpha);
  else if (op == SILU) forwardLoop(SILU, n, s, a, alpha);
  else if (op == SOFTPLUS) forwardLoop(SOFTPLUS, n, s, a, alpha);
}

/** dx[i] = g[i]·f'(·) from the saved output (sigmoid, tanh, ELU) or input (the others). */
export function activationBackwardF32(op: i32, n: i32, g: usize, saved: usize, dx: usize, alpha: f64): void {
  if (op == SIGMOID) backwardLoop(SIGMOID, n, g, saved, dx, alpha);
  else if (op == TANH) backwardLoop(TANH, n, g, saved, dx, alpha);
  else if (op == RELU) backwardLoop(RELU, n, g, saved, dx, alpha);
  else if (op == LEAKY_RELU) backwardLoop(LEAKY_RELU, n, g, saved, dx, alpha);
  else if (op == ELU) backwardLoop(ELU, n, g, saved, dx, alpha);
  else if (op == SELU) backwardLoop(SELU, n, g, saved, dx, alpha);
  else if (op == GELU && alpha != 0) backwardLoop(GELU_TANH, n, g, saved, dx, alpha);
  else if (op == GELU) backwardLoop(GELU, n, g, saved, dx, alpha);
  else if (op == SILU) backwardLoop(SILU, n, g, saved, dx, alpha);
  else if (op == SOFTPLUS) backwardLoop(SOFTPLUS, n, g, saved, dx, alpha);
}
