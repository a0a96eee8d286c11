import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createRng, type BinaryOp, type ElementwiseKernels, type UnaryOp } from '@actgrad/tensor';
import { jsKernels } from '../src/backend/js-elementwise.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';

// The wasm kernels must give the reference's bits (sums over a whole row excepted:
// they add in another order), including at NaN, ±Infinity, −0 and subnormals. e^x, log x
// and pow have their own contract (wasm-math.test.ts).

const wasm = createWasmBackend({ name: 'reference', alloc: (d, n) => (d === 'float32' ? new Float32Array(n) : new Float64Array(n)), gemm: () => {} }, { threads: 1 });
const k = wasm.kernels as ElementwiseKernels;
afterAll(() => wasm.close());
afterEach(() => vi.restoreAllMocks());

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-42, 3.4e38, 1, -1];

function data(seed: string, n: number, inWasm = true): Float32Array {
  const rng = createRng(seed);
  const x = inWasm ? (wasm.alloc('float32', n) as Float32Array) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng() < 0.1 ? SPECIAL[Math.floor(rng() * SPECIAL.length)]! : (rng() * 8 - 4) * 10 ** Math.floor(rng() * 6 - 3);
  return x;
}

function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${what}: element ${i} is ${got[i]}, reference ${want[i]}`);
  }
}

const LENGTHS = [64, 67, 1000, 1027];

describe('wasm elementwise kernels match the reference bit for bit', () => {
  const binaryOps: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
  for (const op of binaryOps) {
    it(`binary ${op}: contiguous and broadcast operands, offsets`, () => {
      const spy = vi.spyOn(jsKernels, 'binary');
      for (const n of LENGTHS) {
        for (const [as, bs] of [[1, 1], [1, 0], [0, 1]] as const) {
          const a = data(`a${op}${n}`, n + 3), b = data(`b${op}${n}`, n + 5);
          const got = wasm.alloc('float32', n + 2) as Float32Array, want = new Float32Array(n + 2);
          k.binary(op, n, a, 3, as, b, 5, bs, got, 1, 1);
          jsKernels.binary(op, n, a, 3, as, b, 5, bs, want, 1, 1);
          expectSameBits(got, want, `${op} n=${n} strides ${as},${bs}`);
        }
      }
      // Only the reference calls made above reached the js kernel.
      expect(spy).toHaveBeenCalledTimes(LENGTHS.length * 3);
    });

    it(`binary scalar ${op}, scalar first and last`, () => {
      const spy = vi.spyOn(jsKernels, 'binaryScalar');
      const a = data(`s${op}`, 300);
      // maximum and minimum also take scalars that are not floats (0.1, ±1e-50) and NaN to wasm.
      const more = op === 'maximum' || op === 'minimum' ? [NaN, -0, 0.1, -1e-50, 1e-50, 1e39, -1e-45] : [];
      for (const s of [2.5, -0.375, 0, Infinity, ...more]) {
        for (const first of [false, true]) {
          const got = wasm.alloc('float32', 300) as Float32Array, want = new Float32Array(300);
          k.binaryScalar(op, 300, a, 0, 1, s, first, got, 0, 1);
          jsKernels.binaryScalar(op, 300, a, 0, 1, s, first, want, 0, 1);
          expectSameBits(got, want, `${op} scalar ${s} first=${first}`);
        }
      }
      expect(spy).toHaveBeenCalledTimes(2 * (4 + more.length));
    });
  }

  const unaryOps: UnaryOp[] = ['copy', 'neg', 'abs', 'sqrt', 'square', 'relu'];
  for (const op of unaryOps) {
    it(`unary ${op}, also in place`, () => {
      const spy = vi.spyOn(jsKernels, 'unary');
      for (const n of LENGTHS) {
        const x = data(`u${op}${n}`, n + 1);
        const got = wasm.alloc('float32', n) as Float32Array, want = new Float32Array(n);
        k.unary(op, n, x, 1, 1, got, 0, 1);
        jsKernels.unary(op, n, x, 1, 1, want, 0, 1);
        expectSameBits(got, want, `${op} n=${n}`);
        const inPlace = Float32Array.from(want);
        const y = wasm.alloc('float32', n) as Float32Array;
        y.set(x.subarray(1));
        k.unary(op, n, y, 0, 1, y, 0, 1);
        expectSameBits(y, inPlace, `${op} in place n=${n}`);
      }
      expect(spy).toHaveBeenCalledTimes(LENGTHS.length);
    });
  }

  it('clamp, with bounds that are not floats and open sides', () => {
    const spy = vi.spyOn(jsKernels, 'clamp');
    const bounds = [[-0.5, 0.5], [1e-7, 1 - 1e-7], [-1e-50, 1e-50], [0, 0], [-0, Infinity], [-Infinity, -0],
      [-Infinity, 0.1], [-1e-45, 1e39], [2, 2]] as const;
    for (const n of LENGTHS) {
      const x = data(`clamp${n}`, n + 2);
      for (const [lo, hi] of bounds) {
        const got = wasm.alloc('float32', n) as Float32Array, want = new Float32Array(n);
        k.clamp(n, x, 2, 1, lo, hi, got, 0, 1);
        jsKernels.clamp(n, x, 2, 1, lo, hi, want, 0, 1);
        expectSameBits(got, want, `clamp to [${lo}, ${hi}] n=${n}`);
      }
    }
    expect(spy).toHaveBeenCalledTimes(LENGTHS.length * bounds.length);
  });

  it('axpy keeps the product and sum in double', () => {
    const spy = vi.spyOn(jsKernels, 'axpy');
    const alphas = [-0.1, 1 / 3, 1e-3, 1, -1];
    for (const n of LENGTHS) {
      for (const alpha of alphas) {
        const x = data(`x${n}`, n), y = data(`y${n}`, n);
        // Magnitudes 2^-40..2^40 apart, so that float sums round (and would double-round if that could differ).
        for (let i = 0; i < n; i += 2) x[i] = x[i]! * 2 ** ((i % 81) - 40);
        const want = Float32Array.from(y);
        k.axpy(n, alpha, x, 0, 1, y, 0, 1);
        jsKernels.axpy(n, alpha, x, 0, 1, want, 0, 1);
        expectSameBits(y, want, `axpy n=${n} alpha=${alpha}`);
      }
    }
    // Only the reference calls made above reached the js loop.
    expect(spy).toHaveBeenCalledTimes(LENGTHS.length * alphas.length);
  });

  it('reduce sum: elementwise folds match exactly, row sums to rounding', () => {
    const spy = vi.spyOn(jsKernels, 'reduce');
    for (const n of LENGTHS) {
      const rng = createRng(`sum${n}`);
      const x = wasm.alloc('float32', n) as Float32Array;
      for (let i = 0; i < n; i++) x[i] = rng() * 2 - 1;
      const acc = wasm.alloc('float32', n) as Float32Array, want = new Float32Array(n);
      acc.fill(0.25);
      want.fill(0.25);
      k.reduce('sum', n, x, 0, 1, acc, 0, 1);
      jsKernels.reduce('sum', n, x, 0, 1, want, 0, 1);
      expectSameBits(acc, want, `fold n=${n}`);
      const total = new Float32Array([0.5]), ref = new Float32Array([0.5]);
      k.reduce('sum', n, x, 0, 1, total, 0, 0);
      jsKernels.reduce('sum', n, x, 0, 1, ref, 0, 0);
      expect(total[0]).toBeCloseTo(ref[0]!, 5);
      let direct = 0.5;
      for (let i = 0; i < n; i++) direct += x[i]!;
      expect(total[0]).toBeCloseTo(direct, 5);
    }
    // Only the reference calls made above reached the js loop.
    expect(spy).toHaveBeenCalledTimes(2 * LENGTHS.length);
  });

  it('hands strided, short, float64 and foreign runs to the reference', () => {
    const spy = vi.spyOn(jsKernels, 'binary');
    const a = data('fa', 200), b = data('fb', 200), out = wasm.alloc('float32', 200) as Float32Array;
    k.binary('add', 100, a, 0, 2, b, 0, 1, out, 0, 1); // strided a
    k.binary('add', 10, a, 0, 1, b, 0, 1, out, 0, 1); // short
    k.binary('add', 100, data('fc', 100, false), 0, 1, b, 0, 1, out, 0, 1); // outside the memory
    k.binary('eq', 100, a, 0, 1, b, 0, 1, out, 0, 1); // no wasm loop
    const d = new Float64Array(100);
    k.binary('add', 100, d, 0, 1, d, 0, 1, d, 0, 1);
    expect(spy).toHaveBeenCalledTimes(5);
    // The scalar 0.1 is not a float: the reference's double arithmetic decides the result.
    const scalar = vi.spyOn(jsKernels, 'binaryScalar');
    k.binaryScalar('mul', 100, a, 0, 1, 0.1, false, out, 0, 1);
    expect(scalar).toHaveBeenCalledTimes(1);
    const unary = vi.spyOn(jsKernels, 'unary');
    k.unary('exp', 100, a, 0, 2, out, 0, 1); // strided
    k.unary('log', 10, a, 0, 1, out, 0, 1); // short
    k.unary('tanh', 100, d, 0, 1, d, 0, 1); // float64
    k.unary('sign', 100, a, 0, 1, out, 0, 1); // no wasm loop
    k.unary('exp', 100, a, 0, 1, out, 0, 1); // wasm
    expect(unary).toHaveBeenCalledTimes(4);
    const expSum = vi.spyOn(jsKernels, 'expSum');
    k.expSum(100, a, 0, 2, out, 0, out, 0, 0); // strided
    k.expSum(100, d, 0, 1, d, 0, d, 0, 0); // float64
    k.expSum(100, a, 0, 1, out, 0, new Float32Array(100), 0, 1); // fold into an array outside the memory
    k.expSum(100, a, 0, 1, out, 0, new Float32Array(1), 0, 0); // row sum: the result may live anywhere
    expect(expSum).toHaveBeenCalledTimes(3);
  });
});

describe('row kernels (a bias add and its gradient in one call) match a call per row', () => {
  const shapes = [[1, 1], [3, 5], [7, 16], [5, 33], [128, 10], [4, 257]] as const;
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
    it(`binaryRows ${op}: the row vector first or second, with offsets`, () => {
      for (const [rows, n] of shapes) {
        for (const vectorFirst of [false, true]) {
          const mat = data(`rows-m${op}${rows}${n}`, rows * n + 3), vec = data(`rows-v${op}${n}`, n + 1);
          const got = wasm.alloc('float32', rows * n + 2) as Float32Array, want = new Float32Array(rows * n + 2);
          got[0] = want[0] = 7;
          if (vectorFirst) k.binaryRows(op, rows, n, vec, 1, 0, mat, 3, n, got, 1);
          else k.binaryRows(op, rows, n, mat, 3, n, vec, 1, 0, got, 1);
          for (let r = 0; r < rows; r++) {
            if (vectorFirst) jsKernels.binary(op, n, vec, 1, 1, mat, 3 + r * n, 1, want, 1 + r * n, 1);
            else jsKernels.binary(op, n, mat, 3 + r * n, 1, vec, 1, 1, want, 1 + r * n, 1);
          }
          expectSameBits(got, want, `${op} [${rows},${n}]${vectorFirst ? ' vector first' : ''}`);
        }
      }
    });
  }

  it('sumRows adds each column\'s rows in order, into what the output holds', () => {
    for (const [rows, n] of shapes) {
      const x = data(`sum-x${rows}${n}`, rows * n + 1);
      const got = data(`sum-o${n}`, n + 2), want = got.slice();
      k.sumRows(rows, n, x, 1, got, 2);
      for (let r = 0; r < rows; r++) jsKernels.reduce('sum', n, x, 1 + r * n, 1, want, 2, 1);
      expectSameBits(got, want, `sumRows [${rows},${n}]`);
    }
  });

  it('leaves float64 and arrays outside the memory to the reference', () => {
    const binaryRows = vi.spyOn(jsKernels, 'binaryRows'), sumRows = vi.spyOn(jsKernels, 'sumRows');
    const inside = data('in', 200);
    k.binaryRows('add', 20, 10, new Float32Array(200), 0, 10, inside, 0, 0, wasm.alloc('float32', 200) as Float32Array, 0);
    k.binaryRows('add', 20, 10, new Float64Array(200), 0, 10, new Float64Array(10), 0, 0, new Float64Array(200), 0);
    k.sumRows(20, 10, inside, 0, new Float32Array(10), 0);
    expect(binaryRows).toHaveBeenCalledTimes(2);
    expect(sumRows).toHaveBeenCalledTimes(1);
  });
});

/** The constants asm/adam.ts's adamF32 takes (nn's src/optim/adam-kernel.ts fills them in). */
interface AdamStep {
  b1: number; b2: number; a1: number; a2: number;
  stepSize: number; invSqrtC2: number; eps: number; l2: number; shrink: number;
}
type AdamKernel = (n: number, w: Float32Array, wo: number, g: Float32Array, go: number,
  m: Float32Array, mo: number, v: Float32Array, vo: number, step: AdamStep) => boolean;
const adam = wasm.named!.get('adam.step') as AdamKernel;

describe('fused Adam step (named kernels adam.step and adam.stepAll)', () => {
  // The loop an optimizer runs on float32 without a fused kernel: float32 arithmetic, each
  // operation rounded (nn's adamLoopF32). The wasm step must give its bits.
  const fr = Math.fround;
  function loop(n: number, w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamStep): void {
    const b1 = fr(s.b1), b2 = fr(s.b2), a1 = fr(s.a1), a2 = fr(s.a2), step = fr(s.stepSize), c = fr(s.invSqrtC2);
    const eps = fr(s.eps), l2 = fr(s.l2), shrink = fr(s.shrink);
    for (let j = 0; j < n; j++) {
      const wj = w[j]!;
      const grad = fr(g[j]! + fr(l2 * wj));
      const mj = fr(fr(b1 * m[j]!) + fr(a1 * grad));
      const vj = fr(fr(b2 * v[j]!) + fr(fr(a2 * grad) * grad));
      m[j] = mj;
      v[j] = vj;
      w[j] = fr(wj * shrink) - fr(fr(step * mj) / fr(fr(fr(Math.sqrt(vj)) * c) + eps));
    }
  }

  it('matches the plain loop bit for bit over several steps, with L2 and decoupled decay', () => {
    for (const [l2, shrink] of [[0, 1], [0.01, 1], [0, 1 - 1e-3 * 0.01]] as const) {
      const n = 1001;
      const w = data('adam-w', n), g = data('adam-g', n);
      for (let i = 0; i < n; i++) if (!Number.isFinite(w[i]!)) w[i] = 0.5;
      const m = wasm.alloc('float32', n) as Float32Array, v = wasm.alloc('float32', n) as Float32Array;
      const rw = Float32Array.from(w), rm = new Float32Array(n), rv = new Float32Array(n);
      for (let t = 1; t <= 3; t++) {
        const s: AdamStep = {
          b1: 0.9, b2: 0.999, a1: 1 - 0.9, a2: 1 - 0.999, stepSize: 1e-3 / (1 - 0.9 ** t),
          invSqrtC2: 1 / Math.sqrt(1 - 0.999 ** t), eps: 1e-8, l2, shrink,
        };
        expect(adam(n, w, 0, g, 0, m, 0, v, 0, s)).toBe(true);
        loop(n, rw, g, rm, rv, s);
      }
      expectSameBits(w, rw, `w (l2 ${l2}, shrink ${shrink})`);
      expectSameBits(m, rm, 'm');
      expectSameBits(v, rv, 'v');
    }
  });

  it('adam.stepAll runs every run of a table in one call, with the bits of one run at a time', () => {
    const all = wasm.named!.get('adam.stepAll') as (count: number, runs: object[], s: AdamStep) => boolean;
    const sizes = [5, 1, 4099, 130, 3];
    const runs = sizes.map((n, i) => {
      const w = data(`all-w${i}`, n + 2), g = data(`all-g${i}`, n + 1);
      for (let j = 0; j < w.length; j++) if (!Number.isFinite(w[j]!)) w[j] = 0.25;
      return { n, w, wo: 2, g, go: 1, m: wasm.alloc('float32', n) as Float32Array, v: wasm.alloc('float32', n) as Float32Array };
    });
    const ref = runs.map((r) => ({ w: r.w.slice(2), g: r.g.slice(1), m: new Float32Array(r.n), v: new Float32Array(r.n) }));
    for (let t = 1; t <= 4; t++) {
      const s: AdamStep = {
        b1: 0.9, b2: 0.999, a1: 1 - 0.9, a2: 1 - 0.999, stepSize: 1e-3 / (1 - 0.9 ** t),
        invSqrtC2: 1 / Math.sqrt(1 - 0.999 ** t), eps: 1e-8, l2: 0.01, shrink: 1,
      };
      // Only the first four runs: the fifth must stay untouched.
      expect(all(4, runs, s)).toBe(true);
      for (let i = 0; i < 4; i++) loop(sizes[i]!, ref[i]!.w, ref[i]!.g, ref[i]!.m, ref[i]!.v, s);
    }
    for (let i = 0; i < 5; i++) {
      const r = runs[i]!;
      const before = data(`all-w${i}`, r.n + 2, false).map((x) => (Number.isFinite(x) ? x : 0.25));
      expectSameBits(r.w.subarray(0, 2), before.subarray(0, 2), `run ${i}: w before its offset`);
      expectSameBits(r.w.subarray(2), i < 4 ? ref[i]!.w : before.subarray(2), `run ${i}: w`);
      expectSameBits(r.m, ref[i]!.m, `run ${i}: m`);
      expectSameBits(r.v, ref[i]!.v, `run ${i}: v`);
    }
    // Any run outside the memory: declined, nothing written.
    const outside = { ...runs[0]!, g: new Float32Array(5) };
    const w0 = runs[1]!.w.slice();
    expect(all(2, [runs[1]!, outside], { b1: 0.9, b2: 0.999, a1: 0.1, a2: 0.001, stepSize: 1, invSqrtC2: 1, eps: 1e-8, l2: 0, shrink: 1 })).toBe(false);
    expectSameBits(runs[1]!.w, w0, 'declined run');
  });

  it('declines arrays outside the memory, leaving them untouched', () => {
    const w = new Float32Array([1, 2, 3]), g = new Float32Array([1, 1, 1]);
    const s: AdamStep = { b1: 0.9, b2: 0.999, a1: 0.1, a2: 0.001, stepSize: 1, invSqrtC2: 1, eps: 1e-8, l2: 0, shrink: 1 };
    expect(adam(3, w, 0, g, 0, new Float32Array(3), 0, new Float32Array(3), 0, s)).toBe(false);
    expect([...w]).toEqual([1, 2, 3]);
  });
});
