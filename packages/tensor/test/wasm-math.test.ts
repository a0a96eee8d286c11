import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createRng, type ElementwiseKernels, type UnaryOp } from '@actgrad/tensor';
import { jsKernels } from '../src/backend/js-elementwise.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';

// The wasm kernels of e^x, log x and the ops built on them evaluate in double, like the
// reference, but by other means (asm/math.ts). The contract: every result within 1 float32 ulp
// of the reference's, special values (NaN, ±∞, ±0, subnormals) exactly the reference's, and the
// very same bits on all but a handful in 10^5 arguments (the expected rate is about 1 in 10^8).

const wasm = createWasmBackend({ name: 'reference', alloc: (d, n) => (d === 'float32' ? new Float32Array(n) : new Float64Array(n)), gemm: () => {} }, { threads: 1 });
const k = wasm.kernels as ElementwiseKernels;
afterAll(() => wasm.close());
afterEach(() => vi.restoreAllMocks());

const bits = new Float32Array(1);
const asInt = new Int32Array(bits.buffer);
/** Position of a float on the number line, in ulps (−0 and +0 both at 0). */
function ordinal(x: number): number {
  bits[0] = x;
  const i = asInt[0]!;
  return i < 0 ? -(i & 0x7fffffff) : i;
}

/**
 * Throws on a result more than 1 ulp away, of another sign, or where either is infinite or NaN;
 * returns how many differ in their bits.
 */
function compare(got: Float32Array, want: Float32Array, inputs: (i: number) => string, what: string, length = want.length): number {
  let differ = 0;
  for (let i = 0; i < length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Object.is(g, w)) continue;
    differ++;
    const near = Number.isFinite(g) && Number.isFinite(w) && Math.sign(1 / g) === Math.sign(1 / w) && Math.abs(ordinal(g) - ordinal(w)) <= 1;
    if (!near) throw new Error(`${what}(${inputs(i)}) is ${g}, reference ${w}`);
  }
  return differ;
}

/** Floats with uniformly random bits (every exponent, NaNs, ±∞, subnormals) and some in `range`. */
function sample(seed: string, n: number, range: readonly [number, number]): Float32Array {
  const rng = createRng(seed);
  const x = wasm.alloc('float32', n) as Float32Array;
  const raw = new Uint32Array(x.buffer, x.byteOffset, n);
  for (let i = 0; i < n; i++) {
    if (i % 2) raw[i] = Math.floor(rng() * 2 ** 32);
    else x[i] = range[0] + (range[1] - range[0]) * rng();
  }
  return x;
}

const MATH: [UnaryOp, [number, number], number[]][] = [
  ['exp', [-105, 89], [NaN, Infinity, -Infinity, 0, -0, 88.72283, 88.72284, -87.33655, -103.27893, -103.97, -104, 1e-40, -1e-40, 1e-8]],
  ['log', [0, 10], [NaN, Infinity, -Infinity, 0, -0, -1, -1e-40, 1e-45, 1e-40, 1, 1 - 2 ** -24, 1 + 2 ** -23, 3.4028235e38]],
  ['expm1', [-3, 3], [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 1e-8, -1e-8, 0.3465, -0.3466, 88.72283, 88.8, -20, -1e30]],
  ['log1p', [-1, 3], [NaN, Infinity, -Infinity, 0, -0, -1, -1.5, -1e-40, 1e-40, 1e-8, -1e-8, -0.9999999, 3.4028235e38]],
  ['sigmoid', [-30, 30], [NaN, Infinity, -Infinity, 0, -0, 1000, -1000, 88.8, -88.8, -103.5, -110, 1e-40]],
  ['tanh', [-10, 10], [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 1e-4, -1e-4, 9.01, -9.01, 1e30]],
];

describe('wasm e^x, log x and the ops built on them', () => {
  for (const [op, range, special] of MATH) {
    it(`${op}: within 1 ulp everywhere, the reference's bits nearly always and at special values`, () => {
      const spy = vi.spyOn(jsKernels, 'unary');
      const n = 200_003;
      const x = sample(op, n + 1, range);
      const got = wasm.alloc('float32', n) as Float32Array, want = new Float32Array(n);
      k.unary(op, n, x, 1, 1, got, 0, 1);
      jsKernels.unary(op, n, x, 1, 1, want, 0, 1);
      expect(compare(got, want, (i) => String(x[i + 1]), op)).toBeLessThanOrEqual(2);
      // Exactly the reference at the special values, in the vector body and the scalar tail.
      for (const len of [19, 35]) {
        const s = wasm.alloc('float32', len) as Float32Array;
        for (let i = 0; i < len; i++) s[i] = special[i % special.length]!;
        const out = wasm.alloc('float32', len) as Float32Array, ref = new Float32Array(len);
        k.unary(op, len, s, 0, 1, out, 0, 1);
        jsKernels.unary(op, len, s, 0, 1, ref, 0, 1);
        for (let i = 0; i < len; i++) expect(Object.is(out[i], ref[i]), `${op}(${s[i]})`).toBe(true);
      }
      // In place, too.
      const inPlace = Float32Array.from(x.subarray(1));
      const y = wasm.alloc('float32', n) as Float32Array;
      y.set(inPlace);
      k.unary(op, n, y, 0, 1, y, 0, 1);
      expect(compare(y, want, (i) => String(inPlace[i]), `${op} in place`)).toBeLessThanOrEqual(2);
      // Only the reference calls made above reached the js loop.
      expect(spy).toHaveBeenCalledTimes(3);
    });
  }
});

describe('wasm pow', () => {
  const BASES = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1e-40, -1e-40, 3.4028235e38, -7.25];
  const EXPONENTS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, -2, 3, -3, 0.5, -0.5, 1.5, -1.5, 1e-40, 1e30, -1e30, 127, -150];

  it('gives the reference at every IEEE special case and exact power (2^−150 ties to even)', () => {
    const spy = vi.spyOn(jsKernels, 'binary');
    const n = BASES.length * EXPONENTS.length;
    const a = wasm.alloc('float32', n) as Float32Array, b = wasm.alloc('float32', n) as Float32Array;
    for (let i = 0; i < n; i++) {
      a[i] = BASES[Math.floor(i / EXPONENTS.length)]!;
      b[i] = EXPONENTS[i % EXPONENTS.length]!;
    }
    const got = wasm.alloc('float32', n) as Float32Array, want = new Float32Array(n);
    k.binary('pow', n, a, 0, 1, b, 0, 1, got, 0, 1);
    jsKernels.binary('pow', n, a, 0, 1, b, 0, 1, want, 0, 1);
    for (let i = 0; i < n; i++) expect(Object.is(got[i], want[i]), `pow(${a[i]}, ${b[i]}) = ${got[i]}, reference ${want[i]}`).toBe(true);
    // Only the reference call above reached the js loop.
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('random bases and exponents, negative bases with integral exponents, scalar operands', () => {
    const spy = vi.spyOn(jsKernels, 'binary');
    const n = 100_003;
    const rng = createRng('pow');
    const a = wasm.alloc('float32', n) as Float32Array, b = wasm.alloc('float32', n) as Float32Array;
    for (let i = 0; i < n; i++) {
      a[i] = (rng() * 8 - 2) * 10 ** Math.floor(rng() * 4 - 2);
      b[i] = i % 3 ? Math.round(rng() * 20 - 10) : rng() * 8 - 4;
    }
    const got = wasm.alloc('float32', n) as Float32Array, want = new Float32Array(n);
    const show = (i: number) => `${a[i]}, ${b[i]}`;
    k.binary('pow', n, a, 0, 1, b, 0, 1, got, 0, 1);
    jsKernels.binary('pow', n, a, 0, 1, b, 0, 1, want, 0, 1);
    expect(compare(got, want, show, 'pow')).toBeLessThanOrEqual(2);
    // Broadcast either operand (a zero stride).
    for (const [as, bs] of [[1, 0], [0, 1]] as const) {
      const m = n - 9;
      k.binary('pow', m, a, 7, as, b, 9, bs, got, 0, 1);
      jsKernels.binary('pow', m, a, 7, as, b, 9, bs, want, 0, 1);
      expect(compare(got, want, (i) => `${a[7 + i * as]}, ${b[9 + i * bs]}`, 'pow broadcast', m)).toBeLessThanOrEqual(2);
    }
    expect(spy).toHaveBeenCalledTimes(3);
    // Scalar exponents keep their double value (1/3 is not a float); 2 squares, as in the reference.
    const scalar = vi.spyOn(jsKernels, 'binaryScalar');
    for (const s of [1 / 3, 2, 0.5, -1, 3, 0, NaN, Infinity]) {
      for (const first of [false, true]) {
        k.binaryScalar('pow', n, a, 0, 1, s, first, got, 0, 1);
        jsKernels.binaryScalar('pow', n, a, 0, 1, s, first, want, 0, 1);
        expect(compare(got, want, (i) => (first ? `${s}, ${a[i]}` : `${a[i]}, ${s}`), 'pow scalar')).toBeLessThanOrEqual(2);
      }
    }
    expect(scalar).toHaveBeenCalledTimes(16);
  });
});

describe('wasm expSum (the inner sum of log-sum-exp)', () => {
  it('folds elementwise to the reference and sums a row to rounding, with −∞ entries', () => {
    const spy = vi.spyOn(jsKernels, 'expSum');
    const lengths = [16, 67, 77, 1027];
    // 77 runs the row sum's eight-lane loop, its four-lane loop and the scalar tail.
    for (const n of lengths) {
      const rng = createRng(`expSum${n}`);
      const x = wasm.alloc('float32', n) as Float32Array, shift = wasm.alloc('float32', n) as Float32Array;
      for (let i = 0; i < n; i++) {
        x[i] = i % 17 === 3 ? -Infinity : rng() * 60 - 50;
        shift[i] = rng() * 10;
      }
      const acc = wasm.alloc('float32', n) as Float32Array, want = new Float32Array(n);
      acc.fill(0.75);
      want.fill(0.75);
      k.expSum(n, x, 0, 1, shift, 0, acc, 0, 1);
      jsKernels.expSum(n, x, 0, 1, shift, 0, want, 0, 1);
      expect(compare(acc, want, (i) => `${x[i]} − ${shift[i]}`, 'expSum fold')).toBeLessThanOrEqual(1);
      const total = new Float32Array([0.5]), ref = new Float32Array([0.5]);
      k.expSum(n, x, 0, 1, shift, 5, total, 0, 0);
      jsKernels.expSum(n, x, 0, 1, shift, 5, ref, 0, 0);
      expect(Math.abs(total[0]! / ref[0]! - 1)).toBeLessThan(2 ** -22);
      let direct = 0.5;
      for (let i = 0; i < n; i++) direct += Math.exp(x[i]! - shift[5]!);
      expect(Math.abs(total[0]! / direct - 1)).toBeLessThan(2 ** -22);
    }
    // Only the reference calls made above reached the js loop.
    expect(spy).toHaveBeenCalledTimes(2 * lengths.length);
  });

  it('a row of −∞ sums to 0, a NaN makes the sum NaN', () => {
    const spy = vi.spyOn(jsKernels, 'expSum');
    const x = wasm.alloc('float32', 64) as Float32Array;
    const shift = new Float32Array([0]), total = new Float32Array([0]);
    x.fill(-Infinity);
    k.expSum(64, x, 0, 1, shift, 0, total, 0, 0);
    expect(total[0]).toBe(0);
    x[40] = NaN;
    k.expSum(64, x, 0, 1, shift, 0, total, 0, 0);
    expect(total[0]).toBeNaN();
    expect(spy).not.toHaveBeenCalled();
  });
});
