import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addScaled, getBackend, jsBackend, matmul, mul, randn, setBackend, sub, tidy, zeros,
  type Tensor, type WasmBackend,
} from '@actgrad/tensor';
import { sizeClass, WasmHeap } from '../src/backend/wasm/heap.js';

function wasmBackend(): WasmBackend {
  return setBackend('wasm') as WasmBackend;
}

afterEach(() => {
  setBackend('wasm');
});

describe('backend selection', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function freshRegistry(env: string | undefined) {
    vi.resetModules();
    if (env !== undefined) vi.stubEnv('ACTGRAD_BACKEND', env);
    else delete process.env.ACTGRAD_BACKEND;
    return import('../src/backend/index.js');
  }

  it('defaults to wasm, the fastest backend that starts', async () => {
    const registry = await freshRegistry(undefined);
    expect(registry.backendNames()).toContain('wasm');
    expect(registry.getBackend().name).toBe('wasm');
  });

  it('ACTGRAD_BACKEND=js and =wasm pick that backend', async () => {
    expect((await freshRegistry('js')).getBackend().name).toBe('js');
    expect((await freshRegistry('wasm')).getBackend().name).toBe('wasm');
  });

  it('a runtime that cannot start the wasm backend gets none, and is told why', async () => {
    const { tryCreateWasmBackend, wasmUnavailableReason } = await import('../src/backend/wasm/index.js');
    // More initial memory than wasm32 can address: instantiation fails as it would without shared memory.
    expect(tryCreateWasmBackend(jsBackend, { initialPages: 70_000, maximumPages: 70_000 })).toBeUndefined();
    expect(wasmUnavailableReason()).toMatch(/.+/);
  });

  it('an unknown ACTGRAD_BACKEND fails at import with the valid names', async () => {
    await expect(freshRegistry('gpu')).rejects.toThrow("ACTGRAD_BACKEND: unknown backend 'gpu'; valid backends: js, wasm");
  });

  it('ACTGRAD_THREADS above the core count is lowered to it, with a warning', async () => {
    const { availableParallelism } = await import('node:os');
    const cores = availableParallelism();
    const { tryCreateWasmBackend } = await import('../src/backend/wasm/index.js');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      vi.stubEnv('ACTGRAD_THREADS', String(cores + 62));
      expect(tryCreateWasmBackend(jsBackend)!.threads).toBe(cores);
      expect(warn).toHaveBeenCalledWith(`ACTGRAD_THREADS=${cores + 62} is more than the ${cores} cores of this machine; using ${cores}`);
      warn.mockClear();
      vi.stubEnv('ACTGRAD_THREADS', '1');
      expect(tryCreateWasmBackend(jsBackend)!.threads).toBe(1);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('float32 storage of the wasm backend lives in its memory; js storage does not', () => {
    const wasm = wasmBackend();
    const t = zeros([3, 5]);
    expect(wasm.heap.owns(t.data)).toBe(true);
    setBackend('js');
    expect(wasm.heap.owns(zeros([3, 5]).data)).toBe(false);
    expect(getBackend()).toBe(jsBackend);
  });
});

describe('public matmul on both backends', () => {
  // Operands built on one backend and multiplied on the other exercise the copy-in path too.
  const cases: Array<[string, (a: Tensor, b: Tensor) => Tensor]> = [
    ['a·b', (a, b) => matmul(a, b)],
    ['aᵀ·b', (a, b) => matmul(a.transpose(), b)],
    ['a·bᵀ', (a, b) => matmul(a, b.transpose())],
    ['sliced rows and columns', (a, b) => matmul(a.slice([1, null], [0, null, 2]), b.slice([0, null, 2], [1, null]))],
    ['batched', (a, b) => matmul(a.reshape([2, -1, a.shape[1]!]), b)],
  ];
  for (const [name, product] of cases) {
    it(name, () => {
      setBackend('js');
      const a = randn([10, 10], { seed: `a-${name}`, dtype: 'float32' });
      const b = randn([10, 10], { seed: `b-${name}`, dtype: 'float32' });
      const reference = product(a, b);
      wasmBackend();
      const wa = a.clone(), wb = b.clone();
      const viaWasm = product(wa, wb);
      const mixed = product(a, wb);
      expect(viaWasm.shape).toEqual(reference.shape);
      const ref = reference.contiguous().data, got = viaWasm.contiguous().data, mix = mixed.contiguous().data;
      for (let i = 0; i < ref.length; i++) {
        expect(got[i]).toBeCloseTo(ref[i]!, 5);
        expect(mix[i]).toBeCloseTo(ref[i]!, 5);
      }
    });
  }

  it('784-wide products match the reference', () => {
    setBackend('js');
    const x = randn([17, 784], { seed: 'x784', dtype: 'float32' });
    const w = randn([784, 10], { seed: 'w784', dtype: 'float32' });
    const ref = matmul(x, w).data;
    const refT = matmul(x.transpose(), matmul(x, w)).data;
    wasmBackend();
    const got = matmul(x.clone(), w.clone()).data;
    const gotT = matmul(x.clone().transpose(), matmul(x.clone(), w.clone())).data;
    // Both sides round in float32 in different orders: compare relative to the largest entry.
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      const scale = Math.max(...Array.from(b, Math.abs));
      for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5 * scale);
    };
    close(got, ref);
    close(gotT, refT);
  });
});

describe('wasm heap', () => {
  it('size classes cover the request and are few', () => {
    let last = 0;
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.07)) {
      const cls = sizeClass(bytes);
      expect(cls).toBeGreaterThanOrEqual(bytes);
      expect(cls).toBeLessThanOrEqual(Math.max(64, bytes * 1.25 + 64));
      expect(cls % 64).toBe(0);
      expect(cls).toBeGreaterThanOrEqual(last);
      last = cls;
    }
  });

  it('reuses released regions, zero-filled, and grows the memory when full', () => {
    const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WasmHeap['memory'] } })
      .WebAssembly.Memory({ initial: 1, maximum: 64, shared: true });
    const heap = new WasmHeap(memory, 1024);
    const p = heap.reserve(1000);
    new Float32Array(memory.buffer, p, 250).fill(3);
    heap.release(p);
    const q = heap.reserve(990);
    expect(q).toBe(p);
    expect(new Float32Array(memory.buffer, q, 250).every((v) => v === 0)).toBe(true);
    const before = heap.f32();
    const big = heap.allocF32(100_000)!;
    expect(heap.stats().grows).toBeGreaterThan(0);
    expect(heap.f32()).not.toBe(before);
    expect(heap.f32().length * 4).toBe(memory.buffer.byteLength);
    expect(heap.owns(big)).toBe(true);
    big[99_999] = 5;
    expect(heap.f32()[(big.byteOffset >> 2) + 99_999]).toBe(5);
    // Past the maximum (64 pages = 4 MiB) allocation reports failure instead of throwing.
    expect(heap.allocF32(2_000_000)).toBeNull();
  });

  it('keeps the memory\'s size in pages at its size slot as the memory grows (native code checks against it)', () => {
    const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WasmHeap['memory'] } })
      .WebAssembly.Memory({ initial: 1, maximum: 64, shared: true });
    const heap = new WasmHeap(memory, 1024);
    const slot = heap.sizeSlot();
    expect(heap.sizeSlot()).toBe(slot);
    const pages = () => new Uint32Array(memory.buffer, slot, 1)[0];
    expect(pages()).toBe(1);
    heap.allocF32(100_000);
    expect(memory.buffer.byteLength).toBeGreaterThan(65536);
    expect(pages()).toBe(memory.buffer.byteLength / 65536);
  });
});

describe('memory growth in the middle of training', () => {
  // Least squares by gradient descent: W ← W − lr·Xᵀ(XW − Y)·2/N. Between steps the loop
  // allocates tensors big enough to grow the wasm memory several times; the weights, made
  // before any growth, must keep training to the same result as on the js backend.
  function train(grow: boolean): { w: Float32Array; grows: number } {
    const backend = getBackend();
    const x = randn([64, 12], { seed: 'gd-x', dtype: 'float32' });
    const wTrue = randn([12, 3], { seed: 'gd-w', dtype: 'float32' });
    const y = matmul(x, wTrue);
    const w = zeros([12, 3]);
    const hoard: Tensor[] = [];
    const growsBefore = backend.name === 'wasm' ? (backend as WasmBackend).heap.stats().grows : 0;
    for (let step = 0; step < 40; step++) {
      tidy(() => {
        const residual = sub(matmul(x, w), y);
        const grad = mul(matmul(x.transpose(), residual), 2 / 64);
        addScaled(w, grad, -0.1);
      });
      if (grow && step % 10 === 5) hoard.push(zeros([2048, 1024]), zeros([1024, 1024]));
    }
    const grows = backend.name === 'wasm' ? (backend as WasmBackend).heap.stats().grows - growsBefore : 0;
    expect(hoard.length).toBe(grow ? 8 : 0);
    return { w: Float32Array.from(w.data), grows };
  }

  it('keeps results right after the memory grows', () => {
    setBackend('js');
    const reference = train(false).w;
    wasmBackend();
    const { w, grows } = train(true);
    expect(grows).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < reference.length; i++) expect(w[i]).toBeCloseTo(reference[i]!, 4);
    // It did train: the weights moved from zero.
    expect(Math.max(...Array.from(w, Math.abs))).toBeGreaterThan(0.1);
  });
});

describe('tensor storage limit', () => {
  it('falls back to ordinary arrays past the limit, and the kernels still read them', async () => {
    const { createWasmBackend } = await import('../src/backend/wasm/index.js');
    const b = createWasmBackend(jsBackend, { threads: 1, tensorLimit: 8 * 2 ** 20 });
    const inside = b.alloc('float32', 2 ** 20) as Float32Array; // 4 MiB
    const outside = b.alloc('float32', 2 ** 20) as Float32Array; // would pass 8 MiB with the kernels' scratch
    expect(b.heap.owns(inside)).toBe(true);
    expect(b.heap.owns(outside)).toBe(false);
    expect(outside.every((v) => v === 0)).toBe(true);
    // A product whose output lives outside the memory: staged, computed, copied out.
    const n = 64;
    const a = b.alloc('float32', n * n) as Float32Array;
    for (let i = 0; i < n * n; i++) a[i] = (i % 7) - 3;
    const c = new Float32Array(n * n).fill(99), ref = new Float32Array(n * n);
    const A = { data: a, offset: 0, rowStride: n, colStride: 1 };
    b.gemm(n, n, n, A, A, { data: c, offset: 0, rowStride: n }, false);
    jsBackend.gemm(n, n, n, A, A, { data: ref, offset: 0, rowStride: n }, false);
    expect(Array.from(c)).toEqual(Array.from(ref));
    await b.close();
  });
});
