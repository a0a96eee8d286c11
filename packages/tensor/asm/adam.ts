// Adam's update over contiguous float32 runs, in float32 as PyTorch computes it. The optimizer
// in @actgrad/nn (src/optim/adam.ts, adamLoopF32) is the reference and owns the constants.

/**
 * One Adam step over contiguous float32 runs, in float32 as PyTorch computes it:
 * g' = g + l2·w; m ← b1·m + a1·g'; v ← b2·v + (a2·g')·g';
 * w ← w·shrink − (stepSize·m) / (√v·invSqrtC2 + eps), each operation rounded to float (no fused
 * multiply-add), so the reference loop reproduces it exactly with Math.fround after every
 * operation (for +, −, ×, ÷ and √ of floats, the double result rounded to float is the float
 * result). The constants are floats; the caller rounds them.
 */
export function adamF32(
  n: i32, w: usize, g: usize, m: usize, v: usize,
  b1: f32, b2: f32, a1: f32, a2: f32, stepSize: f32, invSqrtC2: f32, eps: f32, l2: f32, shrink: f32,
): void {
  const b1v = f32x4.splat(b1), b2v = f32x4.splat(b2), a1v = f32x4.splat(a1), a2v = f32x4.splat(a2);
  const stepv = f32x4.splat(stepSize), cv = f32x4.splat(invSqrtC2), epsv = f32x4.splat(eps);
  const l2v = f32x4.splat(l2), shrinkv = f32x4.splat(shrink);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const wv2 = v128.load(w + o, 16);
    const grad = f32x4.add(v128.load(g + o), f32x4.mul(l2v, wv));
    const grad2 = f32x4.add(v128.load(g + o, 16), f32x4.mul(l2v, wv2));
    const mj = f32x4.add(f32x4.mul(b1v, v128.load(m + o)), f32x4.mul(a1v, grad));
    const mj2 = f32x4.add(f32x4.mul(b1v, v128.load(m + o, 16)), f32x4.mul(a1v, grad2));
    const vj = f32x4.add(f32x4.mul(b2v, v128.load(v + o)), f32x4.mul(f32x4.mul(a2v, grad), grad));
    const vj2 = f32x4.add(f32x4.mul(b2v, v128.load(v + o, 16)), f32x4.mul(f32x4.mul(a2v, grad2), grad2));
    v128.store(m + o, mj);
    v128.store(m + o, mj2, 16);
    v128.store(v + o, vj);
    v128.store(v + o, vj2, 16);
    const step = f32x4.div(f32x4.mul(stepv, mj), f32x4.add(f32x4.mul(f32x4.sqrt(vj), cv), epsv));
    const step2 = f32x4.div(f32x4.mul(stepv, mj2), f32x4.add(f32x4.mul(f32x4.sqrt(vj2), cv), epsv));
    v128.store(w + o, f32x4.sub(f32x4.mul(wv, shrinkv), step));
    v128.store(w + o, f32x4.sub(f32x4.mul(wv2, shrinkv), step2), 16);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const grad = f32x4.add(v128.load(g + o), f32x4.mul(l2v, wv));
    const mj = f32x4.add(f32x4.mul(b1v, v128.load(m + o)), f32x4.mul(a1v, grad));
    const vj = f32x4.add(f32x4.mul(b2v, v128.load(v + o)), f32x4.mul(f32x4.mul(a2v, grad), grad));
    v128.store(m + o, mj);
    v128.store(v + o, vj);
    const step = f32x4.div(f32x4.mul(stepv, mj), f32x4.add(f32x4.mul(f32x4.sqrt(vj), cv), epsv));
    v128.store(w + o, f32x4.sub(f32x4.mul(wv, shrinkv), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wj = load<f32>(w + o);
    const grad = load<f32>(g + o) + l2 * wj;
    const mj = b1 * load<f32>(m + o) + a1 * grad;
    const vj = b2 * load<f32>(v + o) + a2 * grad * grad;
    store<f32>(m + o, mj);
    store<f32>(v + o, vj);
    store<f32>(w + o, wj * shrink - (stepSize * mj) / (sqrt<f32>(vj) * invSqrtC2 + eps));
  }
}

/**
 * `adamF32` over elements [lo, hi) of every run of a model taken end to end, in one call: `table`
 * holds `count` entries of five i32 (byte addresses of w, g, m and v, then the run's length), and
 * `consts` the nine f32 constants in adamF32's order (b1, b2, a1, a2, stepSize, invSqrtC2, eps,
 * l2, shrink). Threads that share a step take disjoint ranges; every element's arithmetic is the
 * same whatever the ranges, so the bits do not depend on the split.
 */
export function adamAllF32(count: i32, table: usize, consts: usize, lo: i32, hi: i32): void {
  const b1 = load<f32>(consts), b2 = load<f32>(consts, 4), a1 = load<f32>(consts, 8), a2 = load<f32>(consts, 12);
  const stepSize = load<f32>(consts, 16), invSqrtC2 = load<f32>(consts, 20), eps = load<f32>(consts, 24);
  const l2 = load<f32>(consts, 28), shrink = load<f32>(consts, 32);
  let start = 0;
  for (let e = 0; e < count && start < hi; e++) {
    const t = table + <usize>e * 20;
    const n = load<i32>(t, 16);
    const from = max(lo - start, 0), to = min(hi - start, n);
    if (from < to) {
      const o = <usize>from << 2;
      adamF32(to - from, <usize>load<u32>(t) + o, <usize>load<u32>(t, 4) + o, <usize>load<u32>(t, 8) + o,
        <usize>load<u32>(t, 12) + o, b1, b2, a1, a2, stepSize, invSqrtC2, eps, l2, shrink);
    }
    start += n;
  }
}
