import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { addonPath, createNativeBackend, loadNativeAddon, nativeBackend, slowerThanWasm, supportedIsas, type NativeIsa } from '@actgrad/native';
import { Adam, Trainer, mlp } from '@actgrad/nn';
import {
  backendNames, createRng, getBackend, jsBackend, setBackend, tensor, type Rng, type WasmBackend,
} from '@actgrad/tensor';
import { checkAdamBits } from '../../nn/test/adam-check.js';
import { checkEveryLayout, checkGemm, operand, type Case } from '../../tensor/test/gemm-check.js';

// Children run in this package, whose name resolves to itself.
const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const isas = supportedIsas();
const made: WasmBackend[] = [];
const backend = (options: Parameters<typeof createNativeBackend>[0]) => {
  const b = createNativeBackend(options);
  made.push(b);
  return b;
};
afterAll(() => Promise.all(made.map((b) => b.close())));

describe('importing @actgrad/native', () => {
  it('registers the native backend and makes it the active one', () => {
    expect(backendNames()).toContain('native');
    expect(getBackend()).toBe(nativeBackend);
    expect(nativeBackend.name).toBe('native');
    expect(nativeBackend.gemmVariant).toEqual({ fma: isas[0] !== 'generic', native: isas[0], reason: `native ${isas[0]} gemm (native)` });
  });

  it('warns where it is the slower choice: x86-64 without AVX2, unless the instruction set was asked for', () => {
    expect(slowerThanWasm('x64', 'generic', false)).toMatch(/neither AVX-512 nor AVX2.*slower than the wasm backend/);
    expect(slowerThanWasm('x64', 'generic', true)).toBeUndefined();
    expect(slowerThanWasm('x64', 'avx2', false)).toBeUndefined();
    expect(slowerThanWasm('arm64', 'generic', false)).toBeUndefined();
  });

  it('finds the instruction sets this CPU has', () => {
    expect(isas[isas.length - 1]).toBe('generic');
    if (process.arch === 'x64' && process.platform === 'linux') {
      const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))![1]!.trim().split(/\s+/));
      const expected: NativeIsa[] = [];
      if (flags.has('avx512f') && flags.has('fma')) expected.push('avx512');
      if (flags.has('avx2') && flags.has('fma')) expected.push('avx2');
      expect(isas).toEqual([...expected, 'generic']);
    }
  });
});

const SIZES = [1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 31, 33, 47];

describe.each(isas)('native gemm (%s) against float64', (isa) => {
  const b = backend({ isa, threads: 1 });
  const check = (rng: Rng, t: Case) => checkGemm(b, rng, t);

  it('runs the instruction set it was asked for', () => {
    expect(b.gemmVariant.native).toBe(isa);
  });

  it('every layout pair, accumulate flag and operand placement on odd sizes', () => {
    expect(checkEveryLayout(b, `native-gemm-layouts-${isa}`, SIZES)).toBe(96);
  });

  it('sizes that cross the blocks (k > 256, n > 512, m > 240) and W2\'s shapes', () => {
    const rng = createRng(`native-gemm-blocks-${isa}`);
    const inside = { a: 'wasm', b: 'wasm', c: 'wasm' } as const;
    check(rng, { m: 250, n: 530, k: 600, a: 'rows', b: 'rows', accumulate: false, where: inside, cRowPad: 0 });
    check(rng, { m: 128, n: 256, k: 784, a: 'rows', b: 'rows', accumulate: false, where: inside, cRowPad: 0 });
    check(rng, { m: 784, n: 256, k: 128, a: 'cols', b: 'rows', accumulate: true, where: inside, cRowPad: 0 });
    check(rng, { m: 128, n: 128, k: 256, a: 'rows', b: 'cols', accumulate: false, where: inside, cRowPad: 3 });
    check(rng, { m: 257, n: 9, k: 513, a: 'cols', b: 'sliced', accumulate: false, where: { a: 'js', b: 'wasm', c: 'js' }, cRowPad: 1 });
  });

  it('k = 0 writes zeros, or leaves C as it was when accumulating', () => {
    for (const accumulate of [false, true]) {
      const C = b.alloc('float32', 6) as Float32Array;
      C.fill(7);
      const empty = { data: new Float32Array(0), offset: 0, rowStride: 0, colStride: 1 };
      b.gemm(2, 3, 0, empty, empty, { data: C, offset: 0, rowStride: 3 }, accumulate);
      expect([...C]).toEqual(new Array(6).fill(accumulate ? 7 : 0));
    }
  });

  it('a broadcast row (stride 0), as matmul passes for a 1-D vector', () => {
    const rng = createRng(`native-gemm-vector-${isa}`);
    const v = b.alloc('float32', 5) as Float32Array;
    for (let i = 0; i < 5; i++) v[i] = rng();
    const M = operand(b, rng, 5, 40, 'rows', 'wasm');
    const out = b.alloc('float32', 40) as Float32Array;
    const ref = new Float32Array(40);
    const V = { data: v, offset: 0, rowStride: 0, colStride: 1 };
    b.gemm(1, 40, 5, V, M, { data: out, offset: 0, rowStride: 40 }, false);
    jsBackend.gemm(1, 40, 5, V, M, { data: ref, offset: 0, rowStride: 40 }, false);
    for (let j = 0; j < 40; j++) expect(out[j]).toBeCloseTo(ref[j]!, 5);
  });
});

describe('the native gemm on several threads', () => {
  const one = backend({ threads: 1 });
  const two = backend({ threads: 2, parallelThreshold: 1, hotParallelThreshold: 1, adaptive: false });

  it('gives the bits of one thread, split by columns or (for narrow C) by rows', async () => {
    await two.warmUp();
    const rng = createRng('native-threads');
    const inside = { a: 'wasm', b: 'wasm', c: 'wasm' } as const;
    for (const [m, n, k] of [[128, 256, 784], [784, 256, 128], [300, 20, 70], [37, 1000, 5], [9, 100, 3]] as const) {
      const splits = two.counters.splitCalls;
      const A = operand(one, rng, m, k, 'rows', 'wasm');
      const B = operand(one, rng, k, n, 'cols', 'wasm');
      const outs = [one, two].map((be) => {
        const C = be.alloc('float32', m * n) as Float32Array;
        be.gemm(m, n, k, A, B, { data: C, offset: 0, rowStride: n }, false);
        return C;
      });
      expect(two.counters.splitCalls, `${m}×${k}·${k}×${n} was split`).toBe(splits + 1);
      expect(Buffer.from(outs[1]!.buffer, outs[1]!.byteOffset, outs[1]!.byteLength)
        .equals(Buffer.from(outs[0]!.buffer, outs[0]!.byteOffset, outs[0]!.byteLength)), `${m}×${k}·${k}×${n}`).toBe(true);
      checkGemm(two, rng, { m, n, k, a: 'rows', b: 'rows', accumulate: true, where: inside, cRowPad: 0 });
    }
    expect(two.counters.workerFailures).toBe(0);
  });
});

describe('the addon', () => {
  // The repository's TypeScript lib declares no WebAssembly types (no DOM lib).
  const { WebAssembly } = globalThis as unknown as {
    WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer; grow(pages: number): number } };
  };
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 16, shared: true });
  const view = new Float32Array(memory.buffer);
  new Uint32Array(memory.buffer)[0] = 2;
  const bound = loadNativeAddon().bind(view, 0);

  it('checks every address against the memory\'s current size', () => {
    const scratch = 1024;
    const end = 2 * 65536;
    // 2×2 · 2×2 with C in the last 16 bytes fits; one float further does not.
    expect(() => bound.gemm(1, 1, 1, 64, 1, 1, 64, 1, 1, 128, 1, 0, 8)).toThrow(/the scratch lies outside/);
    expect(() => bound.gemm(2, 2, 2, 64, 2, 1, 96, 2, 1, end - 4 * 4 + 4, 2, 0, scratch)).toThrow(/C lies outside/);
    expect(() => bound.gemm(2, 2, 2, end - 4, 2, 1, 96, 2, 1, 128, 2, 0, scratch)).toThrow(/A lies outside/);
    expect(() => bound.gemm(2, 2, 2, 64, 2, 1, 8, -4, 1, 128, 2, 0, scratch)).toThrow(/B lies outside/);
    // The slot follows growth: what did not fit fits once the memory has grown and the slot says so.
    const big = 2 * 65536 - 1024;
    expect(() => bound.gemm(1, 1, 1, 64, 1, 1, 96, 1, 1, big, 1, 0, 1 << 17)).toThrow(/the scratch lies outside/);
    memory.grow(14);
    new Uint32Array(memory.buffer)[0] = 16;
    const f = new Float32Array(memory.buffer);
    f[16] = 3;
    f[24] = 5;
    bound.gemm(1, 1, 1, 64, 1, 1, 96, 1, 1, big, 1, 0, 1 << 17);
    expect(f[big / 4]).toBe(15);
  });

  it('refuses what it cannot bind, naming the problem', () => {
    const addon = loadNativeAddon();
    expect(() => addon.bind(new Float64Array(4) as unknown as Float32Array, 0)).toThrow(/needs a Float32Array/);
    expect(() => addon.bind(view, 2)).toThrow(/size slot/);
    expect(() => addon.bind(view, 0, 'neon')).toThrow(/instruction set 'neon' is unknown/);
    expect(() => createNativeBackend({ isa: 'sse9' as NativeIsa })).toThrow(/unknown instruction set 'sse9'/);
  });

  it('a missing addon says how to build it', () => {
    expect(() => loadNativeAddon('/nonexistent/actgrad_native.node')).toThrow(/not built.*npm rebuild @actgrad\/native/);
    expect(addonPath).toMatch(/build[/\\]actgrad_native\.node$/);
  });
});

describe('ACTGRAD_NATIVE_ISA and ACTGRAD_BACKEND', () => {
  const child = (code: string, env: Record<string, string>) => spawnSync(process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', code],
    { cwd: PACKAGE, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  const report = "const { nativeBackend } = await import('@actgrad/native'); const { getBackend } = await import('@actgrad/tensor');"
    + ' console.log(JSON.stringify({ isa: nativeBackend.gemmVariant.native, active: getBackend().name }));';

  it('pick the instruction set and the backend, and refuse unknown ones', () => {
    const generic = child(report, { ACTGRAD_NATIVE_ISA: 'generic' });
    expect(generic.stderr).toBe('');
    expect(JSON.parse(generic.stdout)).toEqual({ isa: 'generic', active: 'native' });
    const wasm = child(report, { ACTGRAD_BACKEND: 'wasm' });
    expect(JSON.parse(wasm.stdout)).toEqual({ isa: isas[0], active: 'wasm' });
    const bogus = child(report, { ACTGRAD_NATIVE_ISA: 'avx9000' });
    expect(bogus.status).not.toBe(0);
    expect(bogus.stderr).toMatch(/ACTGRAD_NATIVE_ISA: unknown instruction set 'avx9000' \(known: avx512, avx2, generic\)/);
    const early = child("const { zeros } = await import('@actgrad/tensor'); zeros([2]);", { ACTGRAD_BACKEND: 'native' });
    expect(early.status).not.toBe(0);
    expect(early.stderr).toMatch(/ACTGRAD_BACKEND=native: .*import '@actgrad\/native'/);
  });
});

describe('the native Adam step', () => {
  it('gives the reference loop\'s bits (and so the wasm kernel\'s), every operation rounded on its own', () => {
    expect(nativeBackend.named?.get('adam.stepAll')).toBeDefined();
    checkAdamBits('native');
    expect(getBackend()).toBe(nativeBackend);
  });

  it('split across two threads, gives the bits of one', async () => {
    const two = backend({ name: 'native-2t', threads: 2, parallelThreshold: 1, hotParallelThreshold: 1, adaptive: false });
    await two.warmUp();
    const splits = two.counters.adamSplits;
    setBackend(two);
    try {
      // 90,000 elements: past the 65,536 an Adam step needs to be shared out.
      checkAdamBits(two.name, [40001, 7, 49992]);
    } finally {
      setBackend(nativeBackend);
    }
    expect(two.counters.adamSplits).toBeGreaterThan(splits);
  });

  it('checks the addresses in its table', () => {
    const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer } } })
      .WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    new Uint32Array(memory.buffer)[0] = 1;
    const bound = loadNativeAddon().bind(new Float32Array(memory.buffer), 0);
    const table = new Int32Array(memory.buffer, 1024, 5);
    table.set([2048, 3072, 4096, 5120, 100]);
    bound.adamAllF32(1, 1024, 64, 0, 100);
    table[4] = 20_000; // 80 KB runs: past the 64 KiB memory
    expect(() => bound.adamAllF32(1, 1024, 64, 0, 100)).toThrow(/an Adam run lies outside/);
    expect(() => bound.adamAllF32(1, 65536 - 8, 64, 0, 100)).toThrow(/the Adam table lies outside/);
  });
});

describe('training on the native backend', () => {
  it('follows the wasm backend\'s losses step for step', () => {
    const rng = createRng('native-training');
    const x = Array.from({ length: 64 * 30 }, () => rng() * 2 - 1);
    const y = Array.from({ length: 64 }, (_, i) => [i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0]).flat();
    const losses = (name: string) => {
      setBackend(name);
      const model = mlp({ sizes: [30, 64, 48, 3], hidden: 'relu', output: 'softmax', seed: 7 });
      const trainer = new Trainer(model, { loss: 'crossEntropy', optimizer: new Adam(model, { lr: 0.01 }) });
      const xs = tensor(x, { shape: [64, 30] }), ys = tensor(y, { shape: [64, 3] });
      return Array.from({ length: 40 }, () => trainer.step(xs, ys));
    };
    const wasm = losses('wasm');
    const native = losses('native');
    setBackend(nativeBackend);
    expect(native[39]!).toBeLessThan(0.5 * native[0]!);
    for (let i = 0; i < 40; i++) expect(Math.abs(native[i]! - wasm[i]!), `step ${i}`).toBeLessThan(1e-4 * Math.max(1, wasm[i]!));
  });
});
