import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, jsBackend, type MatrixOperand, type Rng } from '@actgrad/tensor';
import { createWasmBackend } from '../src/backend/wasm/index.js';

// Every product is checked against float64 arithmetic with the rounding bound of
// a float32 dot product, |ĉ − c| ≤ (k + 2)·2⁻²³·Σ|a||b|: tight enough that any
// element read from the wrong place (off by an element of size ~1) fails. Both
// gemms run every case: the plain SIMD one rounds each product and then each sum
// (two roundings per multiply-add), the FMA one (relaxed SIMD) rounds each fused
// multiply-add once; with the sums of 256-long blocks into C, each term meets at
// most 2k + ⌈k/256⌉ + 1 roundings of 2⁻²⁴, within the bound.

const backends = {
  fma: createWasmBackend(jsBackend, { threads: 1 }),
  plain: createWasmBackend(jsBackend, { threads: 1, relaxedSimd: false }),
};
let wasm = backends.fma;
afterAll(() => Promise.all(Object.values(backends).map((b) => b.close())));

type Where = 'wasm' | 'js';
type Layout = 'rows' | 'cols' | 'sliced' | 'reversed';

interface Operand extends MatrixOperand {
  data: Float32Array;
  /** The logical matrix, row-major, for the reference. */
  values: Float64Array;
}

/** A rows×cols matrix of random values stored with the given layout, in wasm memory or a plain array. */
function operand(rng: Rng, rows: number, cols: number, layout: Layout, where: Where): Operand {
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(rng() * 2 - 1);
  const pad = 3;
  let length: number, offset: number, rowStride: number, colStride: number;
  if (layout === 'rows') [length, offset, rowStride, colStride] = [rows * cols, 0, cols, 1];
  else if (layout === 'cols') [length, offset, rowStride, colStride] = [rows * cols + pad, pad, 1, rows];
  else if (layout === 'sliced') [length, offset, rowStride, colStride] = [rows * (cols + pad) * 2 + pad, pad, 2 * (cols + pad), 1];
  else [length, offset, rowStride, colStride] = [rows * cols, rows * cols - 1, -cols, -1];
  const data = where === 'wasm' ? (wasm.alloc('float32', length) as Float32Array) : new Float32Array(length);
  expect(wasm.heap.owns(data)).toBe(where === 'wasm');
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[offset + i * rowStride + j * colStride] = values[i * cols + j]!;
  }
  return { data, offset, rowStride, colStride, values };
}

interface Case {
  m: number; n: number; k: number;
  a: Layout; b: Layout;
  accumulate: boolean;
  where: { a: Where; b: Where; c: Where };
  cRowPad: number;
}

function check(rng: Rng, t: Case): void {
  const { m, n, k } = t;
  const A = operand(rng, m, k, t.a, t.where.a);
  const B = operand(rng, k, n, t.b, t.where.b);
  const cRs = n + t.cRowPad;
  const cLen = (m - 1) * cRs + n + 2;
  const C = t.where.c === 'wasm' ? (wasm.alloc('float32', cLen) as Float32Array) : new Float32Array(cLen);
  for (let i = 0; i < cLen; i++) C[i] = rng() * 2 - 1;
  const before = Float32Array.from(C);
  wasm.gemm(m, n, k, A, B, { data: C, offset: 1, rowStride: cRs }, t.accumulate);

  const label = JSON.stringify(t);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const x = A.values[i * k + p]! * B.values[p * n + j]!;
        dot += x;
        abs += Math.abs(x);
      }
      const idx = 1 + i * cRs + j;
      const prior = t.accumulate ? before[idx]! : 0;
      const bound = (k + 2) * 2 ** -23 * (abs + Math.abs(prior)) + 1e-30;
      const err = Math.abs(C[idx]! - (prior + dot));
      if (!(err <= bound)) throw new Error(`${label}: C[${i},${j}] = ${C[idx]}, expected ${prior + dot} (error ${err} > ${bound})`);
    }
  }
  // Elements outside the m×n window (row padding, the guard before and after) are untouched.
  for (let idx = 0; idx < cLen; idx++) {
    const r = Math.floor((idx - 1) / cRs), col = (idx - 1) - r * cRs;
    const inside = idx >= 1 && r < m && col < n;
    if (!inside && C[idx] !== before[idx]) throw new Error(`${label}: wrote outside C at ${idx}`);
  }
}

const LAYOUTS: Layout[] = ['rows', 'cols', 'sliced', 'reversed'];
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 10, 13, 16, 17, 31, 33];

describe.each(['fma', 'plain'] as const)('wasm gemm (%s) against float64', (variant) => {
  beforeAll(() => {
    wasm = backends[variant];
  });

  it('runs the gemm it was asked for', () => {
    expect(wasm.gemmVariant.fma).toBe(variant === 'fma');
  });

  it('every layout pair, accumulate flag and operand placement on odd sizes', () => {
    const rng = createRng('wasm-gemm-layouts');
    let count = 0;
    for (const a of LAYOUTS) {
      for (const b of LAYOUTS) {
        for (let r = 0; r < 6; r++) {
          const pick = () => SIZES[Math.floor(rng() * SIZES.length)]!;
          const placement = (): Where => (rng() < 0.7 ? 'wasm' : 'js');
          check(rng, {
            m: pick(), n: pick(), k: pick(), a, b,
            accumulate: r % 2 === 1,
            where: { a: placement(), b: placement(), c: placement() },
            cRowPad: r % 3 === 0 ? 0 : 5,
          });
          count++;
        }
      }
    }
    expect(count).toBe(96);
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
    const M = operand(rng, 5, 9, 'rows', 'wasm');
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
