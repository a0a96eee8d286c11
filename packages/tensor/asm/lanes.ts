// Moving four float32 lanes to two f64x2 halves and back, for the kernels that compute in
// double like the reference and round once on store.

/** Lanes 0 and 1 as doubles. */
// @ts-ignore: decorator
@inline
export function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2 and 3 as doubles. */
// @ts-ignore: decorator
@inline
export function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** The four lanes of `lo` (0 and 1) and `hi` (2 and 3), each rounded once to float32. */
// @ts-ignore: decorator
@inline
export function demote4(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}
