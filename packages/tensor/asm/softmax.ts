// Softmax along contiguous rows, four lanes at a time; the reference is autograd's
// activations/softmax-kernels.ts. The row sum and the backward's Σ g·a add float products in
// f64x2, as the reference keeps them in double; only the order of the additions differs.
// e^{s − max} comes from expLow4 (within a few ulp of the reference's Math.exp). Log softmax follows
// the same pattern (rows of logSoftmax in activations/softmax-kernels.ts).

import { constantTable } from './constants';
import { expLow4, mulF64 } from './exp';
import { demote4, high, low } from './lanes';

// @ts-ignore: decorator
@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * The largest of `len` floats at `p`, NaN if any is NaN (as in the reference, whose e^{NaN − m}
 * poisons the row). f32x4.max's NaN rule costs V8 eight dependent instructions per step, so the
 * loop runs pmax (one instruction) in two independent chains and tracks NaN on the side.
 */
export function rowMax(len: i32, p: usize): f32 {
  const body = len & ~7;
  let m0 = f32x4.splat(-Infinity);
  let m1 = m0;
  let nan = f32x4.splat(0);
  for (let i = 0; i < body; i += 8) {
    const x0 = v128.load(p + (<usize>i << 2));
    const x1 = v128.load(p + (<usize>i << 2), 16);
    m0 = f32x4.pmax(m0, x0);
    m1 = f32x4.pmax(m1, x1);
    nan = v128.or(nan, v128.or(f32x4.ne(x0, x0), f32x4.ne(x1, x1)));
  }
  const mv = f32x4.pmax(m0, m1);
  let m = max<f32>(max<f32>(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
    max<f32>(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (let i = body; i < len; i++) m = max<f32>(m, load<f32>(p + (<usize>i << 2)));
  return v128.any_true(nan) ? NaN : m;
}

/** a = softmax(s) over each of `rows` rows of `len` contiguous elements (max subtracted first). */
export function softmaxRowsF32(rows: i32, len: i32, s: usize, a: usize): void {
  const t = constantTable();
  const body = len & ~3;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>len << 2;
    const sr = s + row;
    const ar = a + row;
    let m = rowMax(len, sr);
    const msplat = f32x4.splat(m);
    let acc = f64x2.splat(0);
    for (let i = 0; i < body; i += 4) {
      const o = <usize>i << 2;
      const e = expLow4(f32x4.sub(v128.load(sr + o), msplat), t);
      v128.store(ar + o, e);
      acc = f64x2.add(acc, f64x2.add(low(e), high(e)));
    }
    let total = hsum(acc);
    for (let i = body; i < len; i++) {
      const o = <usize>i << 2;
      const e = f32x4.extract_lane(expLow4(f32x4.splat(load<f32>(sr + o) - m), t), 0);
      store<f32>(ar + o, e);
      total += <f64>e;
    }
    const inv = 1 / total;
    for (let i = 0; i < body; i += 4) {
      const o = <usize>i << 2;
      v128.store(ar + o, mulF64(v128.load(ar + o), f64x2.splat(inv)));
    }
    for (let i = body; i < len; i++) {
      const o = <usize>i << 2;
      store<f32>(ar + o, <f32>(<f64>load<f32>(ar + o) * inv));
    }
  }
}

/** dx = a ⊙ (g − Σ_j g_j a_j) per row: the full Jacobian product, not the diagonal a(1 − a). */
export function softmaxRowsBackwardF32(rows: i32, len: i32, g: usize, a: usize, dx: usize): void {
  const body = len & ~3;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>len << 2;
    const gr = g + row;
    const ar = a + row;
    const dr = dx + row;
    let acc = f64x2.splat(0);
    for (let i = 0; i < body; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(gr + o);
      const av = v128.load(ar + o);
      acc = f64x2.add(acc, f64x2.mul(low(gv), low(av)));
      acc = f64x2.add(acc, f64x2.mul(high(gv), high(av)));
    }
    let dot = hsum(acc);
    for (let i = body; i < len; i++) {
      const o = <usize>i << 2;
      dot += <f64>load<f32>(gr + o) * <f64>load<f32>(ar + o);
    }
    const dotv = f64x2.splat(dot);
    for (let i = 0; i < body; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(gr + o);
      const av = v128.load(ar + o);
      const lo = f64x2.mul(low(av), f64x2.sub(low(gv), dotv));
      const hi = f64x2.mul(high(av), f64x2.sub(high(gv), dotv));
      v128.store(dr + o, demote4(lo, hi));
    }
    for (let i = body; i < len; i++) {
      const o = <usize>i << 2;
      store<f32>(dr + o, <f32>(<f64>load<f32>(ar + o) * (<f64>load<f32>(gr + o) - dot)));
    }
  }
}

/**
 * log x in double for x ≥ 1 (a row's Σ e^{s − max}; NaN and ∞ pass through). AssemblyScript's
 * Math.log reads a lookup table from a data segment, which this module must not have (the heap
 * owns all memory above the null page). x = 2^j·m with m in [√½, √2), then
 * log m = 2·atanh(u) = 2(u + u³/3 + u⁵/5 + …) with u = (m − 1)/(m + 1), |u| ≤ 0.172: 13 terms reach 1e−17.
 */
function logAtLeastOne(x: f64): f64 {
  if (!(x < Infinity)) return x;
  const bits = reinterpret<u64>(x);
  let j = <i32>(bits >> 52) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    j++;
  }
  const u = (m - 1) / (m + 1);
  const u2 = u * u;
  let series: f64 = 0;
  for (let k = 25; k >= 1; k -= 2) series = series * u2 + 1 / <f64>k;
  return <f64>j * 0.6931471805599453 + 2 * u * series;
}

/** y = log softmax(s) = s − (max + log Σ e^{s − max}) per row: finite at logits ±1000. */
export function logSoftmaxRowsF32(rows: i32, len: i32, s: usize, y: usize): void {
  const t = constantTable();
  const body = len & ~3;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>len << 2;
    const sr = s + row;
    const yr = y + row;
    const m = rowMax(len, sr);
    const msplat = f32x4.splat(m);
    let acc = f64x2.splat(0);
    for (let i = 0; i < body; i += 4) {
      const e = expLow4(f32x4.sub(v128.load(sr + (<usize>i << 2)), msplat), t);
      acc = f64x2.add(acc, f64x2.add(low(e), high(e)));
    }
    let total = hsum(acc);
    for (let i = body; i < len; i++) {
      total += <f64>f32x4.extract_lane(expLow4(f32x4.splat(load<f32>(sr + (<usize>i << 2)) - m), t), 0);
    }
    // The subtraction runs in double and rounds once, as the reference's s − shift does.
    const shift = <f64>m + logAtLeastOne(total);
    const sv = f64x2.splat(shift);
    for (let i = 0; i < body; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(sr + o);
      v128.store(yr + o, demote4(f64x2.sub(low(v), sv), f64x2.sub(high(v), sv)));
    }
    for (let i = body; i < len; i++) {
      const o = <usize>i << 2;
      store<f32>(yr + o, <f32>(<f64>load<f32>(sr + o) - shift));
    }
  }
}

/** dx = g − e^y·Σ_j g_j per row, from the saved output y = log softmax(s). */
export function logSoftmaxRowsBackwardF32(rows: i32, len: i32, g: usize, y: usize, dx: usize): void {
  const t = constantTable();
  const body = len & ~3;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>len << 2;
    const gr = g + row;
    const yr = y + row;
    const dr = dx + row;
    let acc = f64x2.splat(0);
    for (let i = 0; i < body; i += 4) {
      const gv = v128.load(gr + (<usize>i << 2));
      acc = f64x2.add(acc, f64x2.add(low(gv), high(gv)));
    }
    let total = hsum(acc);
    for (let i = body; i < len; i++) total += <f64>load<f32>(gr + (<usize>i << 2));
    // g − e^y·Σg cancels where g ≈ softmax·Σg, so the product and difference run in double.
    const tv = f64x2.splat(total);
    for (let i = 0; i < body; i += 4) {
      const o = <usize>i << 2;
      const gv = v128.load(gr + o);
      const e = expLow4(v128.load(yr + o), t);
      const lo = f64x2.sub(low(gv), f64x2.mul(low(e), tv));
      const hi = f64x2.sub(high(gv), f64x2.mul(high(e), tv));
      v128.store(dr + o, demote4(lo, hi));
    }
    for (let i = body; i < len; i++) {
      const o = <usize>i << 2;
      const e = f32x4.extract_lane(expLow4(f32x4.splat(load<f32>(yr + o)), t), 0);
      store<f32>(dr + o, <f32>(<f64>load<f32>(gr + o) - <f64>e * total));
    }
  }
}
