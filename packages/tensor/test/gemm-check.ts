import { expect } from 'vitest';
import { createRng, type MatrixOperand, type Rng, type WasmBackend } from '@actgrad/tensor';

// Every product is checked against float64 arithmetic with the rounding bound of
// a float32 dot product, |ĉ − c| ≤ (k + 2)·2⁻²³·Σ|a||b|: tight enough that any
// element read from the wrong place (off by an element of size ~1) fails. Shared by
// the WebAssembly gemm's tests and @actgrad/native's, which run the same cases.

export type Where = 'wasm' | 'js';
export type Layout = 'rows' | 'cols' | 'sliced' | 'reversed';

export interface Operand extends MatrixOperand {
  data: Float32Array;
  /** The logical matrix, row-major, for the reference. */
  values: Float64Array;
}

/** A rows×cols matrix of random values stored with the given layout, in wasm memory or a plain array. */
export function operand(wasm: WasmBackend, rng: Rng, rows: number, cols: number, layout: Layout, where: Where): Operand {
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

export interface Case {
  m: number; n: number; k: number;
  a: Layout; b: Layout;
  accumulate: boolean;
  where: { a: Where; b: Where; c: Where };
  cRowPad: number;
}

export function checkGemm(wasm: WasmBackend, rng: Rng, t: Case): void {
  const { m, n, k } = t;
  const A = operand(wasm, rng, m, k, t.a, t.where.a);
  const B = operand(wasm, rng, k, n, t.b, t.where.b);
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

/**
 * Six products for every pair of operand layouts (96 in all): sizes drawn from `sizes`, the
 * accumulate flag alternating, operands in the memory or in plain arrays, C rows padded or not.
 * Returns how many ran.
 */
export function checkEveryLayout(wasm: WasmBackend, seed: string, sizes: readonly number[]): number {
  const rng = createRng(seed);
  let count = 0;
  for (const a of LAYOUTS) {
    for (const b of LAYOUTS) {
      for (let r = 0; r < 6; r++) {
        const pick = () => sizes[Math.floor(rng() * sizes.length)]!;
        const placement = (): Where => (rng() < 0.7 ? 'wasm' : 'js');
        checkGemm(wasm, rng, {
          m: pick(), n: pick(), k: pick(), a, b,
          accumulate: r % 2 === 1,
          where: { a: placement(), b: placement(), c: placement() },
          cRowPad: r % 3 === 0 ? 0 : 5,
        });
        count++;
      }
    }
  }
  return count;
}
