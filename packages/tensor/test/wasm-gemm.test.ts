import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, jsBackend, type Rng } from '@actgrad/tensor';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { checkEveryLayout, checkGemm, operand, type Case } from './gemm-check.js';

// Every product is checked against float64 arithmetic with the rounding bound of a
// float32 dot product (gemm-check.ts). Both gemms run every case: the plain SIMD one rounds each product and then each sum
// (two roundings per multiply-add), the FMA one (relaxed SIMD) rounds each fused
// multiply-add once; with the sums of 256-long blocks into C, each term meets at
// most 2k + ⌈k/256⌉ + 1 roundings of 2⁻²⁴, within the bound.

const backends = {
  fma: createWasmBackend(jsBackend, { threads: 1 }),
  plain: createWasmBackend(jsBackend, { threads: 1, relaxedSimd: false }),
};
let wasm = backends.fma;
afterAll(() => Promise.all(Object.values(backends).map((b) => b.close())));

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 10, 13, 16, 17, 31, 33];
const check = (rng: Rng, t: Case) => checkGemm(wasm, rng, t);

describe.each(['fma', 'plain'] as const)('wasm gemm (%s) against float64', (variant) => {
  beforeAll(() => {
    wasm = backends[variant];
  });

  it('runs the gemm it was asked for', () => {
    expect(wasm.gemmVariant.fma).toBe(variant === 'fma');
  });

  it('every layout pair, accumulate flag and operand placement on odd sizes', () => {
    expect(checkEveryLayout(wasm, 'wasm-gemm-layouts', SIZES)).toBe(96);
  });

  it('sizes that cross the kernel blocks (k > 256, n > 512, m > 128) and MNIST-like 784', () => {
    const rng = createRng('wasm-gemm-blocks');
    const both = { a: 'wasm', b: 'wasm', c: 'wasm' } as const;
    check(rng, { m: 130, n: 520, k: 300, a: 'rows', b: 'rows', accumulate: false, where: both, cRowPad: 0 });
    check(rng, { m: 33, n: 10, k: 784, a: 'rows', b: 'rows', accumulate: true, where: both, cRowPad: 0 });
    check(rng, { m: 784, n: 10, k: 33, a: 'cols', b: 'rows', accumulate: true, where: both, cRowPad: 0 });
    check(rng, { m: 10, n: 784, k: 12, a: 'rows', b: 'cols', accumulate: false, where: both, cRowPad: 3 });
    check(rng, { m: 257, n: 9, k: 513, a: 'cols', b: 'sliced', accumulate: false, where: { a: 'js', b: 'wasm', c: 'js' }, cRowPad: 1 });
  });

  it('row-major A packed four columns at a time, with the columns and rows left over', () => {
    // C at least 32 wide makes the FMA gemm pack row-major A into 5-row panels (4×4 register
    // transposes and the fifth row's four floats, then single columns for k mod 4, then a
    // zero-padded panel for m mod 5, every remainder 0-4 here); the plain gemm packs 4 rows.
    const rng = createRng('wasm-gemm-pack-rows');
    const both = { a: 'wasm', b: 'wasm', c: 'wasm' } as const;
    for (const [m, n, k] of [[9, 40, 7], [13, 33, 37], [4, 64, 4], [6, 35, 261], [5, 32, 4], [12, 48, 9], [125, 40, 130]] as const) {
      check(rng, { m, n, k, a: 'rows', b: 'rows', accumulate: false, where: both, cRowPad: 0 });
      check(rng, { m, n, k, a: 'sliced', b: 'cols', accumulate: true, where: both, cRowPad: 2 });
    }
  });

  it('k = 0 writes zeros, or leaves C as it was when accumulating', () => {
    for (const accumulate of [false, true]) {
      const C = wasm.alloc('float32', 6) as Float32Array;
      C.fill(7);
      const empty = { data: new Float32Array(0), offset: 0, rowStride: 0, colStride: 1 };
      wasm.gemm(2, 3, 0, empty, empty, { data: C, offset: 0, rowStride: 3 }, accumulate);
      expect([...C]).toEqual(new Array(6).fill(accumulate ? 7 : 0));
    }
  });

  it('broadcast operands (stride 0) as matmul passes for 1-D vectors', () => {
    const rng = createRng('wasm-gemm-vector');
    const v = wasm.alloc('float32', 5) as Float32Array;
    for (let i = 0; i < 5; i++) v[i] = rng();
    const M = operand(wasm, rng, 5, 9, 'rows', 'wasm');
    const out = wasm.alloc('float32', 9) as Float32Array;
    wasm.gemm(1, 9, 5, { data: v, offset: 0, rowStride: 0, colStride: 1 }, M, { data: out, offset: 0, rowStride: 9 }, false);
    const ref = new Float32Array(9);
    jsBackend.gemm(1, 9, 5, { data: v, offset: 0, rowStride: 0, colStride: 1 }, M, { data: ref, offset: 0, rowStride: 9 }, false);
    for (let j = 0; j < 9; j++) expect(out[j]).toBeCloseTo(ref[j]!, 5);
  });

  it('hands float64 work to the reference backend, bit for bit', () => {
    const rng = createRng('wasm-gemm-f64');
    const a = new Float64Array(12).map(() => rng());
    const b = new Float64Array(20).map(() => rng());
    const c1 = new Float64Array(15), c2 = new Float64Array(15);
    const A = { data: a, offset: 0, rowStride: 4, colStride: 1 };
    const B = { data: b, offset: 0, rowStride: 1, colStride: 4 };
    wasm.gemm(3, 5, 4, A, B, { data: c1, offset: 0, rowStride: 5 }, false);
    jsBackend.gemm(3, 5, 4, A, B, { data: c2, offset: 0, rowStride: 5 }, false);
    expect([...c1]).toEqual([...c2]);
    expect(wasm.alloc('float64', 4)).toBeInstanceOf(Float64Array);
  });
});

describe('the FMA gemm', () => {
  it('is the default where relaxed SIMD runs (Node 20 with the flag it turns on, Node 22+)', () => {
    expect(backends.fma.gemmVariant).toEqual({ fma: true, reason: expect.stringMatching(/relaxed SIMD/) });
  });

  it('rounds each multiply-add once, the plain gemm twice', () => {
    // c = 1·(−(1 + 2⁻¹¹)) + (1 + 2⁻¹²)²: the exact product is 1 + 2⁻¹¹ + 2⁻²⁴, whose float32
    // rounding (a tie, to even) drops the 2⁻²⁴, so product-then-sum gives 0 and a fused
    // multiply-add gives 2⁻²⁴ exactly.
    const results = (['fma', 'plain'] as const).map((variant) => {
      const b = backends[variant];
      const A = b.alloc('float32', 2) as Float32Array;
      const B = b.alloc('float32', 2) as Float32Array;
      const C = b.alloc('float32', 1) as Float32Array;
      A.set([1, 1 + 2 ** -12]);
      B.set([-(1 + 2 ** -11), 1 + 2 ** -12]);
      b.gemm(1, 1, 2, { data: A, offset: 0, rowStride: 2, colStride: 1 }, { data: B, offset: 0, rowStride: 1, colStride: 1 },
        { data: C, offset: 0, rowStride: 1 }, false);
      return C[0];
    });
    expect(results).toEqual([2 ** -24, 0]);
  });

  it('turns off with relaxedSimd: false, and says so', () => {
    expect(backends.plain.gemmVariant).toEqual({ fma: false, reason: expect.stringMatching(/turned off/) });
  });
});
