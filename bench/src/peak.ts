import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { FLOPS_PER_ITERATION, peakModuleBytes } from './peak-module.js';
import { resultPrefix, type Measurement } from './peers/types.js';

/*
 * One fresh process: this machine's WebAssembly SIMD ceiling, the register-only
 * loops of peak-module.ts on 1 thread and on `threads` threads at once (each its
 * own instance), answered as one result line like worker.ts's.
 *
 *   node --import tsx bench/src/peak.ts '{"threads": 2, "seconds": 0.5}'
 *
 * A ceiling is a best case, so each figure is the best of several short windows:
 * on a shared machine the median window mostly measures the other work.
 */

interface PeakJob {
  threads: number;
  /** Total timed seconds per figure (split into windows). */
  seconds: number;
}

const WINDOWS = 7;

// The repository's TypeScript lib declares no WebAssembly types (no DOM lib).
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// Relaxed SIMD is behind a flag in Node 20 (V8 11.3); flags hold for worker threads too.
if (!WebAssembly.validate(peakModuleBytes(true))) setFlagsFromString('--experimental-wasm-relaxed-simd');
const fmaAvailable = WebAssembly.validate(peakModuleBytes(true));

type Run = (trips: number) => number;
const load = (fused: boolean): Run => new WebAssembly.Instance(new WebAssembly.Module(peakModuleBytes(fused))).exports.run as Run;

/** Trips of the loop that take about `ms` on this thread. */
function calibrate(run: Run, ms: number): number {
  let trips = 1000;
  for (;;) {
    const t0 = performance.now();
    run(trips);
    const t = performance.now() - t0;
    if (t > 20) return Math.max(1, Math.round((trips * ms) / t));
    trips *= 4;
  }
}

// Each worker runs the loop `trips` times per window, starting when the shared counter says so.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { bytes, control } = workerData;
const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run;
const c = new Int32Array(control);
run(1000);
Atomics.add(c, 1, 1);
for (let w = 1; ; w++) {
  Atomics.wait(c, 0, w - 1);
  const trips = Atomics.load(c, 2);
  if (trips === 0) break;
  run(trips);
  Atomics.add(c, 3, 1);
  Atomics.notify(c, 3);
}
`;

/** GFLOP/s of `threads` threads running the loop at once, best of WINDOWS windows. */
async function parallelRate(fused: boolean, threads: number, trips: number): Promise<number> {
  const control = new SharedArrayBuffer(16);
  const c = new Int32Array(control);
  const bytes = peakModuleBytes(fused);
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: { bytes, control } }));
  try {
    while (Atomics.load(c, 1) < threads) await new Promise((r) => setTimeout(r, 5));
    let best = 0;
    for (let w = 1; w <= WINDOWS; w++) {
      Atomics.store(c, 2, trips);
      Atomics.store(c, 3, 0);
      const t0 = performance.now();
      Atomics.store(c, 0, w);
      Atomics.notify(c, 0);
      for (let done = Atomics.load(c, 3); done < threads; done = Atomics.load(c, 3)) Atomics.wait(c, 3, done, 50);
      const seconds = (performance.now() - t0) / 1000;
      best = Math.max(best, (threads * trips * FLOPS_PER_ITERATION) / seconds / 1e9);
    }
    Atomics.store(c, 2, 0);
    Atomics.store(c, 0, WINDOWS + 1);
    Atomics.notify(c, 0);
    return best;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Partial<PeakJob>;
  const threads = job.threads ?? 2;
  const windowMs = ((job.seconds ?? 0.5) * 1000) / WINDOWS;
  const measurements: Measurement[] = [];
  for (const fused of fmaAvailable ? [false, true] : [false]) {
    const kind = fused ? 'fma' : 'mul+add';
    const trips = calibrate(load(fused), windowMs);
    for (const t of threads > 1 ? [1, threads] : [1]) {
      measurements.push({ case: `${kind}, ${t} thread${t > 1 ? 's' : ''}`, metric: 'gflops', value: await parallelRate(fused, t, trips) });
    }
  }
  const result = { runner: 'wasm-peak', backend: `WebAssembly SIMD, relaxed SIMD ${fmaAvailable ? 'available' : 'unavailable'}`, versions: {}, measurements };
  process.stdout.write(`\n${resultPrefix}${JSON.stringify(result)}\n`);
}

await main();
