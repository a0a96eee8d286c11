// log(1 + u) four lanes at a time, for the activation kernels (softplus).

import { K_HALF, K_LN2_HI, K_LN2_LO, K_LOG_P, K_ONE, K_SQRT2, k } from './constants';

/**
 * log(1 + u) per lane for u in [0, 1] (softplus's e^{−|s|}), within 2 ulp; tiny and subnormal u
 * give u itself. w = 1 + u is split as 2^j·m with m in [√½, √2] (j = 0 or 1, so f = m − 1 is
 * exact), log(m) is Cephes' logf polynomial, and (u − (w − 1))/w adds back what rounding
 * 1 + u lost. NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
export function log1pUnit4(u: v128, t: usize): v128 {
  const one = k(t, K_ONE);
  const w = f32x4.add(one, u);
  const big = f32x4.gt(w, k(t, K_SQRT2));
  const m = v128.bitselect(f32x4.mul(w, k(t, K_HALF)), w, big);
  const j = v128.and(big, one);
  const f = f32x4.sub(m, one);
  const lost = f32x4.div(f32x4.sub(u, f32x4.sub(w, one)), w);
  let p = f32x4.add(f32x4.mul(k(t, K_LOG_P), f), k(t, K_LOG_P + 1));
  p = f32x4.add(f32x4.mul(p, f), k(t, K_LOG_P + 2));
  p = f32x4.add(f32x4.mul(p, f), k(t, K_LOG_P + 3));
  p = f32x4.add(f32x4.mul(p, f), k(t, K_LOG_P + 4));
  p = f32x4.add(f32x4.mul(p, f), k(t, K_LOG_P + 5));
  p = f32x4.add(f32x4.mul(p, f), k(t, K_LOG_P + 6));
  p = f32x4.add(f32x4.mul(p, f), k(t, K_LOG_P + 7));
  p = f32x4.add(f32x4.mul(p, f), k(t, K_LOG_P + 8));
  const z = f32x4.mul(f, f);
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = f32x4.add(y, f32x4.add(f32x4.mul(j, k(t, K_LN2_LO)), lost));
  y = f32x4.sub(y, f32x4.mul(z, k(t, K_HALF)));
  return f32x4.add(f32x4.add(f, y), f32x4.mul(j, k(t, K_LN2_HI)));
}
