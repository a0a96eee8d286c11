import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, jsBackend, type MatrixOperand } from '@actgrad/tensor';
import { createWasmBackend } from '../src/backend/wasm/index.js';

// A split only changes which thread computes a block of C, never the order of
// the additions inside an element, so threaded and single-threaded results
// must agree bit for bit.

// Not adaptive: a busy test machine must not pause the splits these tests count.
const threaded = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1, hotParallelThreshold: 1, adaptive: false });
const single = createWasmBackend(jsBackend, { threads: 1 });
// The same for the plain SIMD gemm (the default is the FMA one where relaxed SIMD runs).
const threadedPlain = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1, hotParallelThreshold: 1, adaptive: false, relaxedSimd: false });
const singlePlain = createWasmBackend(jsBackend, { threads: 1, relaxedSimd: false });

beforeAll(() => Promise.all([threaded.warmUp(), threadedPlain.warmUp()]));
afterAll(async () => {
  await Promise.all([threaded, single, threadedPlain, singlePlain].map((b) => b.close()));
});

function matrix(backend: typeof single, rows: number, cols: number, transposed: boolean, seed: string): MatrixOperand {
  const rng = createRng(seed);
  const data = backend.alloc('float32', rows * cols) as Float32Array;
  for (let i = 0; i < data.length; i++) data[i] = rng() * 2 - 1;
  return transposed
    ? { data, offset: 0, rowStride: 1, colStride: rows }
    : { data, offset: 0, rowStride: cols, colStride: 1 };
}

function product(backend: typeof single, m: number, n: number, k: number, ta: boolean, tb: boolean, accumulate: boolean): Float32Array {
  const a = matrix(backend, m, k, ta, `a${m}-${k}`);
  const b = matrix(backend, k, n, tb, `b${k}-${n}`);
  const c = backend.alloc('float32', m * n) as Float32Array;
  c.fill(0.5);
  backend.gemm(m, n, k, a, b, { data: c, offset: 0, rowStride: n }, accumulate);
  return c;
}

describe('multi-threaded gemm', () => {
  const shapes: Array<[number, number, number, boolean, boolean, boolean]> = [
    [301, 37, 50, false, false, false], // split by rows
    [37, 301, 50, false, true, true], // split by columns
    [130, 130, 300, true, false, false],
    [9, 1001, 64, true, true, true],
    [784, 10, 33, false, false, false],
    [1000, 64, 300, false, false, true], // sixteen row blocks, claimed one at a time
    [64, 1000, 300, true, false, false], // sixteen column panels
    // By rows over one shared packed B: B's columns cross the 512-column block with a
    // ragged last panel, its rows the 256-row block, and the packing chunks cross both.
    [300, 601, 300, false, true, true],
    [260, 530, 520, true, false, false],
    // By 16-column panels that each read row-major A in place: A's rows end in part of a
    // tile, its columns cross the 256-column block.
    [203, 256, 300, false, false, false],
    [131, 200, 260, false, true, true],
  ];
  for (const [m, n, k, ta, tb, acc] of shapes) {
    it(`${m}×${k} · ${k}×${n} (aᵀ ${ta}, bᵀ ${tb}, accumulate ${acc}) equals the single-threaded result`, () => {
      const before = threaded.counters.splitCalls;
      const got = product(threaded, m, n, k, ta, tb, acc);
      const want = product(single, m, n, k, ta, tb, acc);
      expect(threaded.counters.splitCalls).toBe(before + 1);
      expect(threaded.counters.workerFailures).toBe(0);
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
      const gotPlain = product(threadedPlain, m, n, k, ta, tb, acc);
      const wantPlain = product(singlePlain, m, n, k, ta, tb, acc);
      expect(Buffer.from(gotPlain.buffer, gotPlain.byteOffset, gotPlain.byteLength)
        .equals(Buffer.from(wantPlain.buffer, wantPlain.byteOffset, wantPlain.byteLength))).toBe(true);
      // The two gemms differ in rounding, so equal results would mean one of them did not run.
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(gotPlain.buffer, gotPlain.byteOffset, gotPlain.byteLength))).toBe(false);
    });
  }

  it('keeps small products on the main thread with the default thresholds', async () => {
    const tuned = createWasmBackend(jsBackend, { threads: 2, adaptive: false });
    await tuned.warmUp();
    product(tuned, 32, 32, 32, false, false, false);
    expect(tuned.counters.splitCalls).toBe(0);
    product(tuned, 256, 256, 256, false, false, false);
    expect(tuned.counters.splitCalls).toBe(1);
    await tuned.close();
  });

  it('pauses splitting after a second split in four that does not pay, for longer after each miss', async () => {
    // An 8×4×8 product (split into two 4-row halves) takes far less time than a round trip
    // to a worker: no split of it pays. The verdict is timed, so a preemption in the middle of
    // the main thread's share can make one split look as if it paid; a fresh backend gets up
    // to three attempts. A wrong pause policy never produces the sequence, however timed.
    const attempt = async (): Promise<{ splits: number[]; slowSplits: number }> => {
      const b = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1, hotParallelThreshold: 1 });
      await b.warmUp();
      const splits: number[] = [];
      for (let call = 0; call < 16; call++) {
        product(b, 8, 4, 8, false, false, false);
        splits.push(b.counters.splitCalls);
      }
      const slowSplits = b.counters.slowSplits;
      await b.close();
      return { splits, slowSplits };
    };
    // Split (a first miss is forgiven); split, pause 4; split, pause 8; split.
    const want = [1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4];
    let got = await attempt();
    for (let retry = 0; retry < 2 && JSON.stringify(got.splits) !== JSON.stringify(want); retry++) got = await attempt();
    expect(got.splits).toEqual(want);
    expect(got.slowSplits).toBe(4);
  });

  it('does not judge a split that had to wake the workers, only splits that found them spinning', async () => {
    // No split of the 8×4×8 product pays. After 20 ms idle the workers have stopped spinning
    // (1 ms) and sleep: a split then pays their wake-up, which the thresholds weigh, and is
    // not judged; judged, each would count as a miss and pause the shape.
    const b = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1, hotParallelThreshold: 1 });
    await b.warmUp();
    for (let call = 0; call < 4; call++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      product(b, 8, 4, 8, false, false, false);
    }
    expect(b.counters.splitCalls).toBe(4);
    expect(b.counters.slowSplits).toBe(0);
    // Back to back the workers spin between products, and those splits are judged.
    for (let call = 0; call < 50 && b.counters.slowSplits === 0; call++) product(b, 8, 4, 8, false, false, false);
    expect(b.counters.slowSplits).toBeGreaterThan(0);
    await b.close();
  });

  it("shares a large Adam step (adam.stepAll) with the workers, with the single-threaded step's bits", () => {
    type AdamStep = { b1: number; b2: number; a1: number; a2: number; stepSize: number; invSqrtC2: number; eps: number; l2: number; shrink: number };
    type StepAll = (count: number, runs: object[], s: AdamStep) => boolean;
    // 70,000 + 3 + 9,001 + 130 elements: over the 2^16 at which a step is shared, cut into chunks
    // that cross the runs' ends; the third run starts at offset 1 of its w and g.
    const sizes = [70000, 3, 9001, 130];
    const model = (backend: typeof single) => sizes.map((n, i) => {
      const rng = createRng(`adam-${i}`);
      const fill = (len: number) => {
        const x = backend.alloc('float32', len) as Float32Array;
        for (let j = 0; j < len; j++) x[j] = rng() * 2 - 1;
        return x;
      };
      const off = i === 2 ? 1 : 0;
      return { n, w: fill(n + off), wo: off, g: fill(n + off), go: off, m: backend.alloc('float32', n), v: backend.alloc('float32', n) };
    });
    for (const [shared, alone] of [[threaded, single], [threadedPlain, singlePlain]] as const) {
      const a = model(shared), b = model(alone);
      const before = shared.counters.adamSplits;
      for (let t = 1; t <= 3; t++) {
        const s: AdamStep = { b1: 0.9, b2: 0.999, a1: 0.1, a2: 0.001, stepSize: 1e-3 / (1 - 0.9 ** t),
          invSqrtC2: 1 / Math.sqrt(1 - 0.999 ** t), eps: 1e-8, l2: 0.01, shrink: 1 };
        expect((shared.named!.get('adam.stepAll') as StepAll)(4, a, s)).toBe(true);
        expect((alone.named!.get('adam.stepAll') as StepAll)(4, b, s)).toBe(true);
      }
      expect(shared.counters.adamSplits).toBe(before + 3);
      expect(alone.counters.adamSplits).toBe(0);
      expect(shared.counters.workerFailures).toBe(0);
      for (let i = 0; i < sizes.length; i++) {
        for (const key of ['w', 'm', 'v'] as const) {
          const x = a[i]![key] as Float32Array, y = b[i]![key] as Float32Array;
          expect(Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength)), `run ${i} ${key}`).toBe(true);
        }
        // The step moved every weight: a chunk that was skipped would leave its weights as they were.
        const w0 = model(single)[i]!.w;
        for (let j = a[i]!.wo; j < w0.length; j++) if (a[i]!.w[j] === w0[j]) throw new Error(`run ${i}: weight ${j} unchanged`);
      }
    }
  });

  it('restarts the workers after close()', async () => {
    const b = createWasmBackend(jsBackend, { threads: 2, parallelThreshold: 1, hotParallelThreshold: 1, adaptive: false });
    await b.warmUp();
    await b.close();
    await b.warmUp();
    const got = product(b, 64, 64, 64, false, false, false);
    expect(b.counters.splitCalls).toBe(1);
    expect(Array.from(got)).toEqual(Array.from(product(single, 64, 64, 64, false, false, false)));
    await b.close();
  });

  it('idle workers do not keep the process alive', () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `
      import { getBackend, matmul, randn } from ${JSON.stringify(entry)};
      const b = getBackend();
      await b.warmUp();
      const x = randn([400, 400], { seed: 1 });
      matmul(x, x);
      console.log(b.name, b.counters.splitCalls);
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ACTGRAD_BACKEND: 'wasm', ACTGRAD_THREADS: '2' },
    });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('wasm 1');
  });
});
