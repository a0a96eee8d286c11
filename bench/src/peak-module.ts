/*
 * The machine's WebAssembly SIMD ceiling: two register-only loops, written out
 * as wasm bytes here so the bench needs no compiler.
 *
 * - `mulAdd`: CHAINS independent chains of acc = acc·x + y with a separate
 *   f32x4.mul and f32x4.add, the plain SIMD gemm's instruction mix.
 * - `fma`: the same chains as one f32x4.relaxed_madd each, the FMA gemm's.
 *
 * Twelve chains cover the latency of a multiply and an add (3–4 cycles each)
 * at two of each per cycle and fit in V8's 15 allocatable vector registers with
 * x and y. Each operation is 4 lanes; a multiply-add counts 2 flops per lane,
 * as GEMM's 2n³ does.
 */

const CHAINS = 12;
/** Rounds of all chains per trip around the loop, so the counter costs nothing. */
const UNROLL = 4;
/** Flops of one trip around the loop. */
export const FLOPS_PER_ITERATION = CHAINS * UNROLL * 4 * 2;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const f32 = (x: number) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)];
const simd = (op: number) => [0xfd, ...leb(op)];
const OP = { splat: 0x13, extractLane: 0x1f, add: 0xe4, mul: 0xe6, relaxedMadd: 0x105 } as const;
const get = (i: number) => [0x20, ...leb(i)];
const set = (i: number) => [0x21, ...leb(i)];

/** (param i32 trips) (result f32): runs the chains `trips` times and returns a lane of their sum. */
function body(fused: boolean): number[] {
  const acc = (c: number) => 1 + c;
  const x = 1 + CHAINS, y = 2 + CHAINS;
  const code: number[] = [];
  code.push(...f32(0.9999), ...simd(OP.splat), ...set(x));
  code.push(...f32(0.0001), ...simd(OP.splat), ...set(y));
  for (let c = 0; c < CHAINS; c++) code.push(...f32(c / CHAINS), ...simd(OP.splat), ...set(acc(c)));
  code.push(0x03, 0x40); // loop
  for (let u = 0; u < UNROLL; u++) {
    for (let c = 0; c < CHAINS; c++) {
      // relaxed_madd(a, b, c) = a·b + c; the plain form multiplies, then adds.
      if (fused) code.push(...get(acc(c)), ...get(x), ...get(y), ...simd(OP.relaxedMadd), ...set(acc(c)));
      else code.push(...get(acc(c)), ...get(x), ...simd(OP.mul), ...get(y), ...simd(OP.add), ...set(acc(c)));
    }
  }
  // trips -= 1; continue while trips != 0
  code.push(...get(0), 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b);
  code.push(...get(acc(0)));
  for (let c = 1; c < CHAINS; c++) code.push(...get(acc(c)), ...simd(OP.add));
  code.push(...simd(OP.extractLane), 0, 0x0b);
  const locals = [1, ...leb(CHAINS + 2), 0x7b]; // one run of v128 locals
  return [...leb(locals.length + code.length), ...locals, ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

/** A module exporting `run(trips: i32): f32`, fused or not. */
export function peakModuleBytes(fused: boolean): Uint8Array {
  const name = [...new TextEncoder().encode('run')];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, name.length, ...name, 0x00, 0]),
    ...section(10, [1, ...body(fused)]),
  ]);
}
