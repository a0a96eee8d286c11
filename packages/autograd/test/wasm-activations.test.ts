import { backendNames, createRng, getBackend, setBackend, tensor } from '@actgrad/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { activation, activations, variable, type BackwardKernel, type ElementwiseActivation, type ForwardKernel } from '../src/index.js';
import { sigmoidScalar } from '../src/activations/sigmoid-tanh.js';
import type { RowsBackwardKernel, RowsForwardKernel } from '../src/activations/softmax.js';

// The wasm backend's activation kernels (packages/tensor/asm/activations*.ts, softmax.ts, registered
// by id in tensor/src/backend/wasm/activations.ts) against the reference loops of the definitions
// (src/activations/*.ts). Every definition with kernel ids is taken from the list. Selects, and the
// backward passes that read only the saved output, must give the reference's bits; whatever goes
// through e^x must land within a few float32 ulp (and stay finite at ±1000).

const before = getBackend().name;
afterAll(() => void setBackend(before));

/** The definitions with a named kernel: every one of them is checked below. */
const withKernels = Object.values(activations).filter(
  (d): d is typeof d & ElementwiseActivation => 'kernel' in d && d.kernel !== undefined,
);

/**
 * How close each kernel must be (default: 5 ulp both ways). `slack` widens the backward's bound
 * where its formula cancels: SiLU's 1 + s(1 − σ) crosses 0 near s = −1.28 and GELU's Φ(s) + s·φ(s)
 * near s = −0.75, so there the error is a few ulp of the larger term (|g·σ·s(1 − σ)|, |g·s·φ(s)|)
 * rather than of the result.
 */
type Bound = {
  exactForward: 'all' | 'nonNegative' | 'none'; exactBackward: 'all' | 'nonNegative' | 'none';
  slack?: (s: number, g: number) => number;
  forwardSlack?: (s: number, a: number) => number;
  /** Upstream gradients kept finite: where the reference's value is an exact 0 that the kernel keeps as a tiny number, g = ∞ gives NaN vs ∞. */
  finiteUpstream?: boolean;
};
/**
 * GELU's tanh form is s·σ(v) with v = 2√(2/π)(s + 0.044715s³) computed in f32: rounding v costs
 * |v|·2^−24 relative in e^{−|v|}, so for s < 0 the bound grows with |v| (|v|·2^−23 on top of
 * 5 ulp; about 50 ulp at s = −8, where a ≈ −1e−21). The backward adds the same to σ and the
 * cancellation slack of the exact form's σ + s·σ(1 − σ)·v' near its zero. The double reference
 * (PyTorch's formula, ½s(1 + tanh u)) cancels in 1 + tanh u and 1 − tanh²u for s < 0, so its own
 * absolute error, about |s|·2^−53 forward and |g|·|s|·v'·2^−52 backward, is in the bound too.
 */
const V = (s: number) => 2 * 0.7978845608028654 * (s + 0.044715 * s * s * s);
const geluTanh: Bound = {
  exactForward: 'none', exactBackward: 'none', finiteUpstream: true,
  forwardSlack: (s, a) => (s < 0 ? Math.abs(a * V(s)) * 2 ** -23 + Math.abs(s) * 2 ** -52 : 0),
  slack: (s, g) => {
    const sig = sigmoidScalar(V(s));
    const dv = 2 * 0.7978845608028654 * (1 + 3 * 0.044715 * s * s);
    const term = Math.abs(g * s * sig * (1 - sig) * dv);
    const reference = Math.abs(g) * (2 ** -52 + Math.abs(s) * dv * 2 ** -51);
    return 1.2e-6 * term + reference + (s < 0 ? (Math.abs(g * sig) + term) * Math.abs(V(s)) * 2 ** -23 : 0);
  },
};
const INV_SQRT_2PI = 0.3989422804014327;
const BOUNDS: Record<string, Bound> = {
  sigmoid: { exactForward: 'none', exactBackward: 'all' },
  tanh: { exactForward: 'none', exactBackward: 'all' },
  relu: { exactForward: 'all', exactBackward: 'all' },
  leakyRelu: { exactForward: 'all', exactBackward: 'all' },
  elu: { exactForward: 'nonNegative', exactBackward: 'all' },
  selu: { exactForward: 'nonNegative', exactBackward: 'nonNegative' },
  silu: {
    exactForward: 'none', exactBackward: 'none',
    slack: (s, g) => { const sig = sigmoidScalar(s); return 6e-7 * Math.abs(g * sig * s * (1 - sig)); },
  },
  gelu: {
    exactForward: 'none', exactBackward: 'none',
    slack: (s, g) => 1.2e-6 * Math.abs(g * s * INV_SQRT_2PI * Math.exp(-0.5 * s * s)),
  },
};
const DEFAULT_BOUND: Bound = { exactForward: 'none', exactBackward: 'none' };
/** Parameter values beyond the default that the kernels are run with. */
const MORE_P: Record<string, number[]> = { leakyRelu: [0.2], elu: [0.5, 0.3], gelu: [1] };
/** Bounds of a parameter value with its own formula (GELU's p = 1 is its tanh form). */
const VARIANT_BOUNDS: Record<string, Bound> = { 'gelu@1': geluTanh };
const defaultP = (d: ElementwiseActivation): number =>
  d.scalar(Object.fromEntries(Object.entries(d.params).map(([k, spec]) => [k, spec.default])));
// ±13.2 and ±14 put GELU's s·Φ(s) near and in the subnormal range.
const SPECIAL = [1000, -1000, 0, -0, NaN, Infinity, -Infinity, 1e-30, -1e-30, 1e-5, -1e-5, 88, -88, -90, 9.5, -9.5, 13.2, -13.2, -14];
const LENGTHS = [64, 67, 1001, 1027];

/** Backend storage (in the wasm memory) of n + offset elements; the first `offset` are padding. */
function data(seed: string, n: number, offset: number): Float32Array {
  const rng = createRng(seed);
  const x = getBackend().alloc('float32', n + offset) as Float32Array;
  for (let i = 0; i < n + offset; i++) {
    const u = rng();
    x[i] = u < 0.15 ? SPECIAL[Math.floor(rng() * SPECIAL.length)]! : u < 0.3 ? (rng() - 0.5) * 1e-3 : (rng() - 0.5) * 24;
  }
  return x;
}

/** Within 5 float32 ulp of the reference (relative 6e-7), or a few subnormal steps, or `slack`. */
function close(got: number, want: number, slack = 0): boolean {
  if (Object.is(got, want)) return true;
  if (Number.isNaN(want) || !Number.isFinite(want)) return false;
  return Math.abs(got - want) <= 6e-7 * Math.abs(want) + 1e-44 + slack;
}

function compare(what: string, got: Float32Array, want: Float32Array, exact: (i: number) => boolean, slack?: (i: number) => number): void {
  for (let i = 0; i < want.length; i++) {
    const ok = exact(i) ? Object.is(got[i], want[i]) : close(got[i]!, want[i]!, slack?.(i));
    if (!ok) throw new Error(`${what}: element ${i} is ${got[i]}, reference ${want[i]}`);
  }
}

// No skip: a wasm module that fails to load fails this suite (setBackend('wasm') throws).
describe('wasm activation kernels', () => {
  const named = <F>(id: string): F => {
    setBackend('wasm');
    const kernel = getBackend().named?.get(id);
    if (!kernel) throw new Error(`the wasm backend has no kernel '${id}'`);
    return kernel as F;
  };
  const fwd = (name: string) => named<ForwardKernel>(`${name}.forward`);
  const bwd = (name: string) => named<BackwardKernel>(`${name}.backward`);

  it('loads, and has a kernel for every id a definition names; every activation kernel it has belongs to one', () => {
    expect(backendNames()).toContain('wasm');
    const ids = withKernels.flatMap((d) => [d.kernel!.forward, d.kernel!.backward]);
    expect(withKernels.map((d) => d.name)).toEqual(['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'gelu', 'silu', 'softplus']);
    setBackend('wasm');
    const registered = [...getBackend().named!.keys()];
    expect(ids.filter((id) => !registered.includes(id))).toEqual([]);
    // The rest: softmax's and PReLU's own kernels (softmax.ts, prelu.ts) and nn's Adam step.
    const others = ['softmax.forward', 'softmax.backward', 'logSoftmax.forward', 'logSoftmax.backward',
      'prelu.select', 'prelu.alphaGrad', 'adam.step', 'adam.stepAll'];
    expect(registered.filter((id) => !ids.includes(id)).sort()).toEqual(others.sort());
  });

  for (const def of withKernels) {
    const op = def.name;
    for (const alpha of [defaultP(def), ...(MORE_P[op] ?? [])]) {
      const r = { ...(VARIANT_BOUNDS[`${op}@${alpha}`] ?? BOUNDS[op] ?? DEFAULT_BOUND), forward: def.forward, backward: def.backward, saves: def.saves };
      it(`${op} (p = ${alpha}) matches the reference forward and backward, lengths ${LENGTHS.join(', ')}, at offsets`, () => {
        const kernelF = fwd(op);
        const kernelB = bwd(op);
        for (const n of LENGTHS) {
          for (const off of [0, 3]) {
            const s = data(`${op}:s:${n}`, n, off);
            const g = data(`${op}:g:${n}`, n, off);
            if (r.finiteUpstream) for (let i = 0; i < n + off; i++) if (!Number.isFinite(g[i]!)) g[i] = 0.5;
            const a = getBackend().alloc('float32', n + off) as Float32Array;
            const aRef = new Float32Array(n + off);
            expect(kernelF(n, s, off, a, off, alpha)).toBe(true);
            r.forward(n, s, off, aRef, off, alpha);
            const sv = s.subarray(off);
            compare(`${op} forward n=${n} off=${off}`, a.subarray(off), aRef.subarray(off),
              (i) => r.exactForward === 'all' || (r.exactForward === 'nonNegative' && !(sv[i]! < 0)),
              r.forwardSlack && ((i) => r.forwardSlack!(sv[i]!, aRef[off + i]!)));
            // Only ±Infinity inputs may give infinite outputs (the bounded ones never do).
            a.subarray(off).forEach((v, i) => {
              if (!Number.isNaN(v) && !Number.isFinite(v)) expect(Number.isFinite(sv[i]!)).toBe(false);
            });

            // Backward reads the reference's saved tensor, so the two see the same input.
            const saved = r.saves === 'output' ? aRef : s;
            const savedW = getBackend().alloc('float32', n + off) as Float32Array;
            savedW.set(saved);
            const dx = getBackend().alloc('float32', n + off) as Float32Array;
            const dxRef = new Float32Array(n + off);
            expect(kernelB(n, g, off, savedW, off, dx, off, alpha)).toBe(true);
            r.backward(n, g, off, saved, off, dxRef, off, alpha);
            const gv = g.subarray(off);
            compare(`${op} backward n=${n} off=${off}`, dx.subarray(off), dxRef.subarray(off),
              (i) => r.exactBackward === 'all' || (r.exactBackward === 'nonNegative' && !(sv[i]! < 0)),
              r.slack && ((i) => r.slack!(sv[i]!, gv[i]!)));
          }
        }
      });
    }
  }

  it('keeps the kinks and special values of the notes', () => {
    const s = getBackend().alloc('float32', 64) as Float32Array;
    s.set([0, -0, NaN, -1000, 1000, -1, 1]);
    const out = getBackend().alloc('float32', 64) as Float32Array;
    fwd('relu')(64, s, 0, out, 0, 0);
    expect([...out.subarray(0, 7)]).toEqual([0, 0, NaN, 0, 1000, 0, 1]);
    expect(Object.is(out[1], 0)).toBe(true);                 // −0 → 0
    const g = getBackend().alloc('float32', 64) as Float32Array;
    g.fill(5);
    bwd('relu')(64, g, 0, s, 0, out, 0, 0);
    expect([...out.subarray(0, 7)]).toEqual([5, 5, 0, 0, 5, 0, 5]); // ReLU'(0) = ReLU'(−0) = 1
    fwd('sigmoid')(64, s, 0, out, 0, 0);
    expect([...out.subarray(3, 7)]).toEqual([0, 1, Math.fround(1 / (1 + Math.E)), Math.fround(1 / (1 + 1 / Math.E))].map((v, i) => i < 2 ? v : expect.closeTo(v, 7)));
    fwd('tanh')(64, s, 0, out, 0, 0);
    expect([...out.subarray(3, 5)]).toEqual([-1, 1]);
    expect(Object.is(out[1], -0)).toBe(true);                // tanh(−0) = −0
    expect(out[2]).toBeNaN();
  });

  it('declines what it cannot run: short runs, float64, arrays outside the wasm memory', () => {
    const relu = fwd('relu');
    const inMem = getBackend().alloc('float32', 64) as Float32Array;
    expect(relu(8, inMem, 0, inMem, 0, 0)).toBe(false);
    expect(relu(64, new Float32Array(64), 0, inMem, 0, 0)).toBe(false);
    expect(relu(64, new Float64Array(64), 0, new Float64Array(64), 0, 0)).toBe(false);
  });

  it('softmax rows match the reference forward and backward: odd lengths, offsets, ±1000, a NaN row', () => {
    const rowsF = named<RowsForwardKernel>('softmax.forward');
    const rowsB = named<RowsBackwardKernel>('softmax.backward');
    const sk = activations.softmax.loops;
    for (const [rows, len] of [[16, 4], [13, 5], [7, 33], [3, 1001]] as const) {
      for (const off of [0, 2]) {
        const n = rows * len;
        const s = data(`softmax:s:${len}`, n, off);
        for (let i = off; i < n + off; i++) if (Number.isNaN(s[i]) || !Number.isFinite(s[i]!)) s[i] = 0;
        s[off + 1] = 1000;
        s[off + len + 2] = -1000;
        s[off + 2 * len] = NaN;                      // row 2 is all NaN, as in the reference
        const g = data(`softmax:g:${len}`, n, off);
        for (let i = off; i < n + off; i++) if (!Number.isFinite(g[i]!)) g[i] = 0.5;
        const a = getBackend().alloc('float32', n + off) as Float32Array;
        const aRef = new Float32Array(n + off);
        expect(rowsF(rows, len, s, off, a, off)).toBe(true);
        sk.forward(rows, len, 1, s, off, aRef, off);
        // s − max is rounded to float32 (as PyTorch's float32 softmax does), which adds a relative
        // error of up to |s − max|·2^−24 to e^{s − max}; the reference subtracts in double.
        for (let r = 0; r < rows; r++) {
          const row = s.subarray(off + r * len, off + (r + 1) * len);
          const m = row.reduce((x, y) => Math.max(x, y), -Infinity);
          for (let j = 0; j < len; j++) {
            const i = off + r * len + j;
            const want = aRef[i]!;
            if (Number.isNaN(want)) { expect(a[i]).toBeNaN(); continue; }
            const tol = (6e-7 + 6e-8 * Math.abs(row[j]! - m)) * want + 1e-44;
            if (!(Math.abs(a[i]! - want) <= tol)) throw new Error(`softmax forward ${rows}x${len}: row ${r} element ${j} is ${a[i]}, reference ${want}`);
          }
        }
        const aw = getBackend().alloc('float32', n + off) as Float32Array;
        aw.set(aRef);
        const dx = getBackend().alloc('float32', n + off) as Float32Array;
        const dxRef = new Float32Array(n + off);
        expect(rowsB(rows, len, g, off, aw, off, dx, off)).toBe(true);
        sk.backward(rows, len, 1, g, off, aRef, off, dxRef, off);
        // Σ g·a is added in another order, so the difference scales with the row's largest term.
        for (let i = 0; i < n; i++) {
          const want = dxRef[off + i]!;
          const got = dx[off + i]!;
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(Math.abs(got - want)).toBeLessThanOrEqual(6e-7 * Math.abs(want) + 1e-9 * Math.abs(aRef[off + i]!) + 1e-44);
        }
      }
    }
  });

  it('log softmax rows match the reference forward and backward: odd lengths, offsets, ±1000, −∞, a NaN row', () => {
    const rowsF = named<RowsForwardKernel>('logSoftmax.forward');
    const rowsB = named<RowsBackwardKernel>('logSoftmax.backward');
    const lsk = activations.logSoftmax.loops;
    for (const [rows, len] of [[16, 4], [13, 5], [7, 33], [3, 1001]] as const) {
      for (const off of [0, 2]) {
        const n = rows * len;
        const s = data(`logSoftmax:s:${len}`, n, off);
        for (let i = off; i < n + off; i++) if (!Number.isFinite(s[i]!)) s[i] = 0;
        s[off + 1] = 1000;
        s[off + len + 2] = -1000;
        s[off + 2 * len] = NaN;                      // row 2 is all NaN, as in the reference
        s[off + 3 * len + 1] = -Infinity;            // log 0 = −∞ in an otherwise finite row
        const g = data(`logSoftmax:g:${len}`, n, off);
        for (let i = off; i < n + off; i++) if (!Number.isFinite(g[i]!)) g[i] = 0.5;
        const y = getBackend().alloc('float32', n + off) as Float32Array;
        const yRef = new Float32Array(n + off);
        expect(rowsF(rows, len, s, off, y, off)).toBe(true);
        lsk.forward(rows, len, 1, s, off, yRef, off);
        // y = s − shift with shift = max + log Σ e^{s − max}: the sum carries e^x's few-ulp error, which
        // log turns into an absolute error of a few 1e-8; the subtraction itself rounds as the reference's.
        for (let i = off; i < n + off; i++) {
          const want = yRef[i]!;
          if (Number.isNaN(want) || !Number.isFinite(want)) { expect(Object.is(y[i], want)).toBe(true); continue; }
          if (!(Math.abs(y[i]! - want) <= 6e-7 * Math.abs(want) + 3e-7)) throw new Error(`log softmax forward ${rows}x${len}: element ${i - off} is ${y[i]}, reference ${want}`);
        }
        const yw = getBackend().alloc('float32', n + off) as Float32Array;
        yw.set(yRef);
        const dx = getBackend().alloc('float32', n + off) as Float32Array;
        const dxRef = new Float32Array(n + off);
        expect(rowsB(rows, len, g, off, yw, off, dx, off)).toBe(true);
        lsk.backward(rows, len, 1, g, off, yRef, off, dxRef, off);
        // g − e^y·Σg: e^y's few-ulp error scales with the subtracted term, not with the result.
        for (let r = 0; r < rows; r++) {
          let total = 0;
          for (let j = 0; j < len; j++) total += g[off + r * len + j]!;
          for (let j = 0; j < len; j++) {
            const i = off + r * len + j;
            const want = dxRef[i]!;
            if (Number.isNaN(want)) { expect(dx[i]).toBeNaN(); continue; }
            const tol = 6e-7 * Math.abs(want) + 3e-7 * Math.abs(Math.exp(yRef[i]!) * total) + 1e-44;
            if (!(Math.abs(dx[i]! - want) <= tol)) throw new Error(`log softmax backward ${rows}x${len}: row ${r} element ${j} is ${dx[i]}, reference ${want}`);
          }
        }
      }
    }
  });

  it('autograd ops give the same values and gradients on the wasm and js backends', () => {
    const run = (name: string, backend: string): [Float32Array, Float32Array] => {
      setBackend(backend);
      const rng = createRng(`op:${name}`);
      const xs = Float32Array.from({ length: 3 * 101 }, () => (rng() - 0.5) * 12);
      const gs = Float32Array.from({ length: 3 * 101 }, () => rng() - 0.5);
      const x = variable(tensor(xs, { shape: [3, 101] }), { requiresGrad: true });
      const y = activation(name)(x);
      y.backward(tensor(gs, { shape: [3, 101] }));
      return [Float32Array.from(y.data.contiguous().data), Float32Array.from(x.grad!.contiguous().data)];
    };
    for (const name of Object.keys(activations).filter((n) => n !== 'linear')) {
      const [yw, gw] = run(name, 'wasm');
      const [yj, gj] = run(name, 'js');
      // log softmax's outputs near 0 carry log's absolute error (see above).
      compare(`${name} value`, yw, yj, () => name === 'relu' || name === 'leakyRelu' || name === 'prelu', () => name === 'logSoftmax' ? 3e-7 : 0);
      // Gradients from a saved output inherit the output's few-ulp difference.
      for (let i = 0; i < gj.length; i++) expect(Math.abs(gw[i]! - gj[i]!)).toBeLessThanOrEqual(2e-6 * Math.abs(gj[i]!) + 1e-7);
    }
  });
});
