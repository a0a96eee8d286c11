import { createRng, getBackend, setBackend, tensor } from '@actgrad/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { activation, parameter, variable } from '../src/index.js';
import * as ref from '../src/activations/prelu.js';

// The wasm backend's PReLU kernels (packages/tensor/asm/prelu.ts, named kernels `prelu.select` and
// `prelu.alphaGrad`) against the definition's reference loops (src/activations/prelu.ts: the selects and the
// float-by-float products give the reference's bits; ∂/∂α sums the same exact products in double
// in another order, so it may differ from the reference in its last bit.

const before = getBackend().name;
afterAll(() => void setBackend(before));

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1000, -1000, 1e-30, -1e-30, -1e-40];

function data(seed: string, n: number, off: number): Float32Array {
  const rng = createRng(seed);
  const x = getBackend().alloc('float32', n + off) as Float32Array;
  for (let i = 0; i < n + off; i++) {
    const u = rng();
    x[i] = u < 0.1 ? SPECIAL[Math.floor(rng() * SPECIAL.length)]! : (rng() - 0.5) * 8;
  }
  return x;
}

// No skip: a wasm module that fails to load fails this suite (setBackend('wasm') throws).
describe('wasm PReLU kernels', () => {
  const k = () => {
    setBackend('wasm');
    const named = getBackend().named;
    const prelu = named?.get('prelu.select') as ref.SelectKernel | undefined;
    const preluAlphaGrad = named?.get('prelu.alphaGrad') as ref.AlphaGradKernel | undefined;
    if (!prelu || !preluAlphaGrad) throw new Error('the wasm backend has no PReLU kernels');
    return { prelu, preluAlphaGrad };
  };

  // [elements, channels, inner]: one slope; per channel over [batch, C]; per channel over [N, C, H, W].
  const LAYOUTS = [[1001, 1, 1], [67 * 3, 3, 1], [13 * 9, 9, 1], [4 * 5 * 7, 5, 7], [2 * 3 * 33, 3, 33]] as const;

  for (const [n, channels, inner] of LAYOUTS) {
    it(`matches the reference: ${n} elements, ${channels} channel(s), inner ${inner}, at offsets`, () => {
      const kernels = k();
      for (const off of [0, 3]) {
        const s = data(`prelu:s:${n}:${channels}`, n, off);
        const g = data(`prelu:g:${n}:${channels}`, n, off);
        for (let i = 0; i < n + off; i++) if (!Number.isFinite(g[i]!)) g[i] = 0.25;
        const alpha = getBackend().alloc('float32', channels + off) as Float32Array;
        const rng = createRng(`prelu:alpha:${channels}`);
        for (let c = 0; c < channels + off; c++) alpha[c] = rng() * 0.5 - 0.1;   // includes negative slopes
        for (const [v, what] of [[s, 'forward'], [g, 'input gradient']] as const) {
          const out = getBackend().alloc('float32', n + off) as Float32Array;
          const want = new Float32Array(n + off);
          expect(kernels.prelu(n, channels, inner, v, off, s, off, alpha, off, out, off)).toBe(true);
          ref.preluSelect(n, channels, inner, v, off, s, off, alpha, off, want, off);
          for (let i = off; i < n + off; i++) {
            if (!Object.is(out[i], want[i])) throw new Error(`prelu ${what}: element ${i - off} is ${out[i]}, reference ${want[i]}`);
          }
        }
        const da = getBackend().alloc('float32', channels + off) as Float32Array;
        const daRef = new Float32Array(channels + off);
        expect(kernels.preluAlphaGrad(n, channels, inner, g, off, s, off, da, off)).toBe(true);
        ref.preluAlphaGrad(n, channels, inner, g, off, s, off, daRef, off);
        for (let c = 0; c < channels; c++) {
          // A brute-force sum over the elements of channel c: the kernel must agree with it.
          let sum = 0;
          let size = 0;
          for (let i = 0; i < n; i++) {
            if (Math.floor(i / inner) % channels !== c) continue;
            const x = s[off + i]!;
            if (x < 0) { sum += g[off + i]! * x; size += Math.abs(g[off + i]! * x); }
          }
          const want = daRef[off + c]!;
          if (!Number.isFinite(sum)) { expect(Object.is(da[off + c], want)).toBe(true); continue; }
          expect(Math.abs(want - Math.fround(sum))).toBeLessThanOrEqual(1e-12 * size);
          expect(Math.abs(da[off + c]! - want)).toBeLessThanOrEqual(6e-8 * Math.abs(want) + 1e-12 * size);
        }
      }
    });
  }

  it('declines short runs and arrays outside the wasm memory', () => {
    const kernels = k();
    const inMem = getBackend().alloc('float32', 64) as Float32Array;
    const alpha = getBackend().alloc('float32', 1) as Float32Array;
    expect(kernels.prelu(8, 1, 1, inMem, 0, inMem, 0, alpha, 0, inMem, 0)).toBe(false);
    expect(kernels.prelu(64, 1, 1, inMem, 0, inMem, 0, new Float32Array(1), 0, inMem, 0)).toBe(false);
    expect(kernels.preluAlphaGrad(64, 1, 1, new Float32Array(64), 0, inMem, 0, alpha, 0)).toBe(false);
  });

  it('trains α through autograd the same on the wasm and js backends, per channel', () => {
    const run = (backend: string): [Float32Array, Float32Array, Float32Array] => {
      setBackend(backend);
      const rng = createRng('prelu:op');
      const xs = Float32Array.from({ length: 50 * 6 }, () => (rng() - 0.5) * 6);
      const gs = Float32Array.from({ length: 50 * 6 }, () => rng() - 0.5);
      const x = variable(tensor(xs, { shape: [50, 6] }), { requiresGrad: true });
      const alpha = parameter(tensor(Float32Array.from([0.1, 0.2, 0.3, -0.1, 0.25, 0.05]), { shape: [6] }));
      const y = activation('prelu', { alpha })(x);
      y.backward(tensor(gs, { shape: [50, 6] }));
      return [Float32Array.from(y.data.contiguous().data), Float32Array.from(x.grad!.contiguous().data),
        Float32Array.from(alpha.grad!.contiguous().data)];
    };
    const [yw, gw, aw] = run('wasm');
    const [yj, gj, aj] = run('js');
    expect(yw).toEqual(yj);
    expect(gw).toEqual(gj);
    // The same exact products summed in double in another order: at most the last bit differs.
    for (let c = 0; c < 6; c++) expect(Math.abs(aw[c]! - aj[c]!)).toBeLessThanOrEqual(2 ** -23 * Math.abs(aj[c]!));
    expect(aw.some((v) => v !== 0)).toBe(true);
  });
});
