import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { FLOPS_PER_ITERATION, peakModuleBytes } from './peak-module.js';

/*
 * The register-only loops of peak-module.ts, timed in windows on 1 or more
 * threads at once (each thread its own instance). peak.ts measures the ceiling
 * in processes of its own; the W3 runner also times it between its own gemm
 * windows (paired.ts), so that a host whose speed drifts during a run slows
 * both sides of each ratio alike.
 */

// The repository's TypeScript lib declares no WebAssembly types (no DOM lib).
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// Relaxed SIMD is behind a flag in Node 20 (V8 11.3); flags hold for worker threads too.
if (!WebAssembly.validate(peakModuleBytes(true))) setFlagsFromString('--experimental-wasm-relaxed-simd');
/** Whether this Node runs the FMA loop (relaxed SIMD). */
export const fmaAvailable = WebAssembly.validate(peakModuleBytes(true));

type Run = (trips: number) => number;

/**
 * Which register-only loop a meter runs: the WebAssembly one (FMA or mul+add), or the native
 * addon's in one instruction set (`@actgrad/native`'s `peak`), loaded from `file` in each thread.
 */
export type PeakLoop = { kind: 'wasm'; fused: boolean } | { kind: 'native'; isa: string; file: string };

interface NativePeak {
  peak(isa: string, trips: number): number;
}

/** The loop on this thread, and the flops of one trip of it (the native loop returns its flops). */
function load(loop: PeakLoop): { run: Run; tripFlops: number } {
  if (loop.kind === 'wasm') {
    return { run: new WebAssembly.Instance(new WebAssembly.Module(peakModuleBytes(loop.fused))).exports.run as Run, tripFlops: FLOPS_PER_ITERATION };
  }
  const addon = createRequire(import.meta.url)(loop.file) as NativePeak;
  return { run: (trips) => addon.peak(loop.isa, trips), tripFlops: addon.peak(loop.isa, 1) };
}

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
const { workerData } = require('node:worker_threads');
const { bytes, control, native } = workerData;
const addon = native && require(native.file);
const run = native ? (trips) => addon.peak(native.isa, trips) : new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run;
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

/** `threads` workers that run the loop together, one window at a time. */
export class PeakMeter {
  private readonly c: Int32Array;
  private window = 0;

  private constructor(private readonly workers: Worker[], control: SharedArrayBuffer, private readonly trips: number,
    private readonly tripFlops: number) {
    this.c = new Int32Array(control);
  }

  /** Starts the workers; each window runs about `windowMs` of the loop. */
  static async start(loop: PeakLoop, threads: number, windowMs: number): Promise<PeakMeter> {
    const { run, tripFlops } = load(loop);
    const trips = calibrate(run, windowMs);
    const control = new SharedArrayBuffer(16);
    const bytes = loop.kind === 'wasm' ? peakModuleBytes(loop.fused) : undefined;
    const native = loop.kind === 'native' ? { isa: loop.isa, file: loop.file } : undefined;
    const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: { bytes, control, native } }));
    const meter = new PeakMeter(workers, control, trips, tripFlops);
    while (Atomics.load(meter.c, 1) < threads) await new Promise((r) => setTimeout(r, 5));
    return meter;
  }

  /** GFLOP/s of one window, all threads at once. */
  rate(): number {
    const c = this.c;
    const threads = this.workers.length;
    Atomics.store(c, 2, this.trips);
    Atomics.store(c, 3, 0);
    const t0 = performance.now();
    Atomics.store(c, 0, ++this.window);
    Atomics.notify(c, 0);
    for (let done = Atomics.load(c, 3); done < threads; done = Atomics.load(c, 3)) Atomics.wait(c, 3, done, 50);
    const seconds = (performance.now() - t0) / 1000;
    return (threads * this.trips * this.tripFlops) / seconds / 1e9;
  }

  async close(): Promise<void> {
    Atomics.store(this.c, 2, 0);
    Atomics.store(this.c, 0, ++this.window);
    Atomics.notify(this.c, 0);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
