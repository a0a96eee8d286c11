// The end of both micro-kernels (gemm.ts, gemm-kernel-fma.ts): a 4×8 tile of
// accumulators written to C, or added to it, and the FMA kernel's fifth row.

/**
 * Writes (`overwrite`) or adds the 4×8 tile c00…c31 to C at `cp` (rows `cRsB`
 * bytes apart). A full tile goes straight from registers; an edge tile of
 * `mr`×`nr` passes through `tile` (128 bytes of scratch) and only its valid
 * part reaches C.
 */
// @ts-ignore: decorator
@inline
export function storeTile(
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
  cp: usize, cRsB: i32, mr: i32, nr: i32, overwrite: bool, tile: usize,
): void {
  if (mr == 4 && nr == 8) {
    const rs = <usize>cRsB;
    if (overwrite) {
      v128.store(cp, c00); v128.store(cp, c01, 16); cp += rs;
      v128.store(cp, c10); v128.store(cp, c11, 16); cp += rs;
      v128.store(cp, c20); v128.store(cp, c21, 16); cp += rs;
      v128.store(cp, c30); v128.store(cp, c31, 16);
    } else {
      v128.store(cp, f32x4.add(v128.load(cp), c00)); v128.store(cp, f32x4.add(v128.load(cp, 16), c01), 16); cp += rs;
      v128.store(cp, f32x4.add(v128.load(cp), c10)); v128.store(cp, f32x4.add(v128.load(cp, 16), c11), 16); cp += rs;
      v128.store(cp, f32x4.add(v128.load(cp), c20)); v128.store(cp, f32x4.add(v128.load(cp, 16), c21), 16); cp += rs;
      v128.store(cp, f32x4.add(v128.load(cp), c30)); v128.store(cp, f32x4.add(v128.load(cp, 16), c31), 16);
    }
    return;
  }
  v128.store(tile, c00, 0); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let i = 0; i < mr; i++) {
    const row = cp + <usize>(i * cRsB);
    const t = tile + <usize>(i * 32);
    for (let j = 0; j < nr; j++) {
      const off = <usize>(j * 4);
      const v = load<f32>(t + off);
      store<f32>(row + off, overwrite ? v : load<f32>(row + off) + v);
    }
  }
}

/**
 * Writes (`overwrite`) or adds one row of `nr` ≤ 8 accumulators c0, c1 to C at `cp`; a row
 * shorter than 8 passes through `tile` (32 bytes of scratch).
 */
// @ts-ignore: decorator
@inline
export function storeRow(c0: v128, c1: v128, cp: usize, nr: i32, overwrite: bool, tile: usize): void {
  if (nr == 8) {
    if (overwrite) {
      v128.store(cp, c0); v128.store(cp, c1, 16);
    } else {
      v128.store(cp, f32x4.add(v128.load(cp), c0)); v128.store(cp, f32x4.add(v128.load(cp, 16), c1), 16);
    }
    return;
  }
  v128.store(tile, c0); v128.store(tile, c1, 16);
  for (let j = 0; j < nr; j++) {
    const off = <usize>(j * 4);
    const v = load<f32>(tile + off);
    store<f32>(cp + off, overwrite ? v : load<f32>(cp + off) + v);
  }
}
