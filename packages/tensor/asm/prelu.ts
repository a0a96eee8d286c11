// PReLU over contiguous f32 data viewed as [outer, channels, inner]: element i uses the slope
// α[⌊i/inner⌋ mod channels]. The reference is autograd's prelu op (activations/ops.ts). α·s and α·g
// are products of two floats, exact in double, so rounding them once is the f32 product: the
// outputs are the reference's bits. ∂/∂α_c = Σ g·s over the s < 0 of channel c adds the (exact)
// products in f64x2; only the order of the additions differs from the reference.
// The derivative at s = 0 comes from the s ≥ 0 branch (1), as for ReLU in the notes.

import { high, low } from './lanes';

// @ts-ignore: decorator
@inline
function select4(s: v128, v: v128, alpha: v128): v128 {
  return v128.bitselect(v, f32x4.mul(v, alpha), f32x4.ge(s, f32x4.splat(0)));
}

/** Σ g·s over the lanes with s < 0, as two doubles (NaN s never counts, as in the reference's `s < 0`). */
// @ts-ignore: decorator
@inline
function negativeProducts(acc: v128, g: v128, s: v128): v128 {
  const m = v128.and(s, f32x4.lt(s, f32x4.splat(0)));
  const gm = v128.and(g, f32x4.lt(s, f32x4.splat(0)));
  acc = f64x2.add(acc, f64x2.mul(low(gm), low(m)));
  return f64x2.add(acc, f64x2.mul(high(gm), high(m)));
}

/** out = v for s ≥ 0, α·v otherwise, over `len` elements with one α. */
// @ts-ignore: decorator
@inline
function run(len: i32, v: usize, s: usize, out: usize, alpha: f32): void {
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, select4(v128.load(s + o), v128.load(v + o), av));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(v + o);
    store<f32>(out + o, load<f32>(s + o) >= 0 ? x : alpha * x);
  }
}

// @ts-ignore: decorator
@inline
function runSum(len: i32, g: usize, s: usize): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    acc = negativeProducts(acc, v128.load(g + o), v128.load(s + o));
  }
  let total = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(s + o);
    if (x < 0) total += <f64>load<f32>(g + o) * <f64>x;
  }
  return total;
}

/**
 * out = v where s ≥ 0, α_c·v elsewhere: the forward with v = s, the input's gradient with v = g.
 * `n` is outer·channels·inner; `alpha` holds `channels` floats.
 */
export function preluF32(n: i32, channels: i32, inner: i32, v: usize, s: usize, alpha: usize, out: usize): void {
  if (channels == 1) {
    run(n, v, s, out, load<f32>(alpha));
  } else if (inner == 1) {
    // Rows of `channels` slopes ([batch, channels] input): α is read four channels at a time.
    const body = channels & ~3;
    for (let r = 0; r < n; r += channels) {
      const ro = <usize>r << 2;
      for (let c = 0; c < body; c += 4) {
        const o = ro + (<usize>c << 2);
        v128.store(out + o, select4(v128.load(s + o), v128.load(v + o), v128.load(alpha + (<usize>c << 2))));
      }
      for (let c = body; c < channels; c++) {
        const o = ro + (<usize>c << 2);
        const x = load<f32>(v + o);
        store<f32>(out + o, load<f32>(s + o) >= 0 ? x : load<f32>(alpha + (<usize>c << 2)) * x);
      }
    }
  } else {
    const blocks = n / inner;
    for (let b = 0; b < blocks; b++) {
      const o = <usize>b * <usize>inner << 2;
      run(inner, v + o, s + o, out + o, load<f32>(alpha + (<usize>(b % channels) << 2)));
    }
  }
}

/** dAlpha[c] = Σ g·s over the s < 0 of channel c, summed in double and rounded once. */
export function preluAlphaGradF32(n: i32, channels: i32, inner: i32, g: usize, s: usize, dAlpha: usize): void {
  if (channels == 1) {
    store<f32>(dAlpha, <f32>runSum(n, g, s));
  } else if (inner == 1) {
    // Column sums of a [rows, channels] layout, one channel at a time down the rows.
    const rows = n / channels;
    for (let c = 0; c < channels; c++) {
      let total: f64 = 0;
      for (let r = 0; r < rows; r++) {
        const o = (<usize>r * <usize>channels + <usize>c) << 2;
        const x = load<f32>(s + o);
        if (x < 0) total += <f64>load<f32>(g + o) * <f64>x;
      }
      store<f32>(dAlpha + (<usize>c << 2), <f32>total);
    }
  } else {
    const blocks = n / inner;
    for (let c = 0; c < channels; c++) {
      let total: f64 = 0;
      for (let b = c; b < blocks; b += channels) {
        const o = <usize>b * <usize>inner << 2;
        total += runSum(inner, g + o, s + o);
      }
      store<f32>(dAlpha + (<usize>c << 2), <f32>total);
    }
  }
}
