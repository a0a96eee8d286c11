// Vector constants of the activation kernels, read from a table in the module's memory.
//
// V8's optimizing compiler rebuilds a v128.const inside the loop that uses it, with three
// instructions (movq, vmovq, vpunpcklqdq) per constant and iteration, and it moves splats of
// loop-invariant values back into the loop as well: that doubled the instruction count of e^x.
// A load from memory stays a single memory operand. The JS side reserves `constantTableBytes()`
// bytes once and hands them to `setConstantTable`; the kernels read `constantTable()`.

// f32x4 slots.
export const K_ONE = 0;
export const K_SIGN = 1;
export const K_LOG2E = 2;
/** 1.5·2^23 + 127: adding it rounds x·log2 e to an integer n held, plus 127, in the low mantissa bits. */
export const K_SHIFT = 3;
/** 1.5·2^23 + 191: the same with the exponent bias raised by 64 (see expLow4). */
export const K_SHIFT64 = 4;
export const K_LN2_HI = 5;
export const K_LN2_LO = 6;
/** e^r − 1 ≈ r + r²·P(r) on |r| ≤ ln2/2, P of degree 4 (five slots, highest degree first). */
export const K_EXP_P = 7;
export const K_TWO_M64 = 13;
export const K_EXP_FLOOR = 14;
export const K_EXPM1_FLOOR = 15;
export const K_TWO = 16;
export const K_TANH_CLAMP = 17;
export const K_HALF = 18;
export const K_SQRT2 = 19;
/** Cephes' logf polynomial, highest degree first (nine slots). */
export const K_LOG_P = 20;
// f64x2 slots.
export const K_ONE_F64 = 35;
export const K_SELU_LAMBDA_F64 = 36;
export const K_SELU_LAMBDA_ALPHA_F64 = 37;
// GELU (activations-modern.ts): u = 1/(1 + κt), x = (u − mid)·scale, G(x) a degree-10 polynomial.
export const K_GELU_KAPPA = 38;
export const K_GELU_MID = 39;
export const K_GELU_SCALE = 40;
export const K_GELU_CLAMP = 41;
export const K_HIGH_BITS = 42;
export const K_INV_SQRT_2PI = 43;
/** Eleven slots, highest degree first. */
export const K_GELU_P = 44;

const SLOTS = 64;

let table: usize = 0;

// @ts-ignore: decorator
@inline
function put(slot: i32, value: f32): void {
  v128.store(table + (<usize>slot << 4), f32x4.splat(value));
}

// @ts-ignore: decorator
@inline
function putF64(slot: i32, value: f64): void {
  v128.store(table + (<usize>slot << 4), f64x2.splat(value));
}

/** Bytes `setConstantTable` writes. */
export function constantTableBytes(): i32 {
  return SLOTS << 4;
}

/** Fills the table at `ptr` (16-byte aligned, `constantTableBytes()` long) and makes the kernels read it. */
export function setConstantTable(ptr: usize): void {
  table = ptr;
  put(K_ONE, 1);
  put(K_SIGN, -0.0);
  put(K_LOG2E, 1.44269504088896341);
  put(K_SHIFT, 12583039.0);
  put(K_SHIFT64, 12583103.0);
  put(K_LN2_HI, 0.693359375);
  put(K_LN2_LO, -2.12194440e-4);
  // 0x1.6ae6e0p-10, 0x1.1267d8p-7, 0x1.555824p-5, 0x1.555418p-3, 0x1.fffffcp-2: fitted for the
  // relative error of e^r (0.03·2^−24 in exact arithmetic); evaluated in f32 the error is 0.9·2^−24
  // of e^r and 2.3·2^−24 of e^r − 1. One multiply-add fewer than Cephes' expf polynomial.
  put(K_EXP_P, 0.0013843607157468796);
  put(K_EXP_P + 1, 0.008374195545911789);
  put(K_EXP_P + 2, 0.04166800528764725);
  put(K_EXP_P + 3, 0.16666430234909058);
  put(K_EXP_P + 4, 0.4999999403953552);
  put(K_TWO_M64, 5.421010862427522e-20);
  put(K_EXP_FLOOR, -130);
  put(K_EXPM1_FLOOR, -87.3);
  put(K_TWO, 2);
  put(K_TANH_CLAMP, 10);
  put(K_HALF, 0.5);
  put(K_SQRT2, 1.41421356237);
  put(K_LOG_P, 7.0376836292e-2);
  put(K_LOG_P + 1, -1.1514610310e-1);
  put(K_LOG_P + 2, 1.1676998740e-1);
  put(K_LOG_P + 3, -1.2420140846e-1);
  put(K_LOG_P + 4, 1.4249322787e-1);
  put(K_LOG_P + 5, -1.6668057665e-1);
  put(K_LOG_P + 6, 2.0000714765e-1);
  put(K_LOG_P + 7, -2.4999993993e-1);
  put(K_LOG_P + 8, 3.3333331174e-1);
  put(K_GELU_KAPPA, 0.35359999537467957);
  put(K_GELU_MID, 0.5731593370437622);
  put(K_GELU_SCALE, 2.342794418334961);
  put(K_GELU_CLAMP, 20);
  v128.store(table + (<usize>K_HIGH_BITS << 4), i32x4.splat(<i32>0xfffff000));
  put(K_INV_SQRT_2PI, 0.3989422804014327);
  // Fitted (weighted least squares, then rounded to f32) so that u·G ≈ Q(t)·e^{t²/2} over
  // t in [0, 16.5] within 2·2^−24 relative, evaluated in f32; beyond, e^{−t²/2} is 0.
  put(K_GELU_P, 3.823347469733562e-06);
  put(K_GELU_P + 1, 3.2110517622641055e-06);
  put(K_GELU_P + 2, -4.199223258183338e-05);
  put(K_GELU_P + 3, 1.0637160812621005e-05);
  put(K_GELU_P + 4, 0.0003444564645178616);
  put(K_GELU_P + 5, -0.00039783207466825843);
  put(K_GELU_P + 6, -0.0033453963696956635);
  put(K_GELU_P + 7, 0.0035162316635251045);
  put(K_GELU_P + 8, 0.05327920615673065);
  put(K_GELU_P + 9, 0.16454580426216125);
  put(K_GELU_P + 10, 0.28208187222480774);
  putF64(K_ONE_F64, 1);
  putF64(K_SELU_LAMBDA_F64, 1.0507009873554805);
  putF64(K_SELU_LAMBDA_ALPHA_F64, 1.0507009873554805 * 1.6732632423543772);
}

/** The table's address (0 until `setConstantTable` ran). */
// @ts-ignore: decorator
@inline
export function constantTable(): usize {
  return table;
}

/** The vector in `slot` of the table at `t`. */
// @ts-ignore: decorator
@inline
export function k(t: usize, slot: i32): v128 {
  return v128.load(t + (<usize>slot << 4));
}

