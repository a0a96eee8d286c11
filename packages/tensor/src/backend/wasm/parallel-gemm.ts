import type { WasmHeap } from './heap.js';
import { CONTROL_BYTES, GEMM_ARG_COUNT, GemmPool } from './pool.js';
import type { WasmMemory, WasmModule } from './webassembly.js';

/** The module's gemm export: sizes, then A, B, C as byte address and element strides, then flags. */
export type GemmKernel = (
  m: number, n: number, k: number,
  a: number, aRs: number, aCs: number,
  b: number, bRs: number, bCs: number,
  c: number, cRs: number,
  accumulate: number, scratch: number,
) => void;

/** Unsplit products at least this large (multiply-adds) are timed to learn the single-threaded rate. */
const RATE_SAMPLE_SIZE = 2 ** 18;

/** The tunables the backend exposes, read on every call. */
export interface ParallelSettings {
  threads: number;
  parallelThreshold: number;
  hotParallelThreshold: number;
  adaptive: boolean;
  readonly counters: { splitCalls: number; slowSplits: number; workerFailures: number };
}

/**
 * Runs gemm on the main thread, or split into row blocks or column panels of C
 * across the main thread and the worker pool when the product is large enough
 * to pay for the hand-over.
 */
export class ParallelGemm {
  private pool: GemmPool | null = null;
  private workerScratch: number[] = [];
  private readonly mainScratch: number;
  private readonly args = new Int32Array(GEMM_ARG_COUNT);
  // When the cores are busy with other processes a worker can wait milliseconds
  // for CPU time, and a split then costs more than it saves. After such a split
  // the next `skip` large products stay on one thread; the pause doubles with
  // each further miss and resets after a split that pays.
  private skip = 0;
  private backoff = 0;
  // Multiply-adds per ms of recent unsplit large products: the rate a split must beat.
  // Two threads that share one physical core (hyperthreads, or an oversubscribed host)
  // each run at half speed, which the main thread's share alone cannot reveal.
  private singleRate = 0;

  constructor(
    private readonly kernel: GemmKernel,
    private readonly scratchBytes: number,
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly heap: WasmHeap,
    private readonly settings: ParallelSettings,
  ) {
    this.mainScratch = heap.reserve(scratchBytes);
  }

  run(m: number, n: number, k: number, a: number, aRs: number, aCs: number,
    b: number, bRs: number, bCs: number, c: number, cRs: number, acc: number): void {
    const s = this.settings;
    let parts = 1;
    const size = m * n * k;
    if (s.threads > 1 && size >= s.hotParallelThreshold) {
      const pool = this.pool ?? this.start();
      if (size >= s.parallelThreshold || pool.hot()) {
        parts = 1 + Math.min(pool.readyCount(), s.threads - 1);
        if (parts > 1 && this.skip > 0) {
          this.skip--;
          parts = 1;
        }
      }
    }
    // Each thread packs the part of B it multiplies, and the part of A too unless
    // A is row-major (read in place). Splitting the columns of C halves each
    // thread's B packing; splitting the rows halves its A packing. Columns are cut
    // on 16 floats (64-byte lines of C), rows on the 4-row register tile.
    const byRows = aCs === 1 ? n < 64 * parts && m >= n : m >= n;
    const unit = byRows ? 4 : 16;
    const total = byRows ? m : n;
    const chunk = Math.ceil(total / parts / unit) * unit;
    const jobs = Math.ceil(total / chunk);
    if (parts === 1 || jobs === 1) {
      if (size < RATE_SAMPLE_SIZE || !s.adaptive) {
        this.kernel(m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, this.mainScratch);
        return;
      }
      const t0 = performance.now();
      this.kernel(m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, this.mainScratch);
      const ms = performance.now() - t0;
      if (ms > 0) this.singleRate = Math.max(size / ms, 0.95 * this.singleRate);
      return;
    }
    const pool = this.pool!;
    const args = this.args;
    s.counters.splitCalls++;
    const start0 = performance.now();
    for (let w = 1; w < jobs; w++) {
      const start = w * chunk, len = Math.min(chunk, total - start);
      args[0] = byRows ? len : m;
      args[1] = byRows ? n : len;
      args[2] = k;
      args[3] = byRows ? a + start * aRs * 4 : a;
      args[4] = aRs;
      args[5] = aCs;
      args[6] = byRows ? b : b + start * bCs * 4;
      args[7] = bRs;
      args[8] = bCs;
      args[9] = byRows ? c + start * cRs * 4 : c + start * 4;
      args[10] = cRs;
      args[11] = acc;
      args[12] = this.workerScratch[w - 1]!;
      pool.start(w - 1, args);
    }
    const t0 = performance.now();
    if (byRows) this.kernel(chunk, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, this.mainScratch);
    else this.kernel(m, chunk, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, this.mainScratch);
    const t1 = performance.now();
    for (let w = 1; w < jobs; w++) {
      if (pool.finish(w - 1)) continue;
      // The worker's job threw: redo its part here.
      s.counters.workerFailures++;
      const start = w * chunk, len = Math.min(chunk, total - start);
      if (byRows) this.kernel(len, n, k, a + start * aRs * 4, aRs, aCs, b, bRs, bCs, c + start * cRs * 4, cRs, acc, this.mainScratch);
      else this.kernel(m, len, k, a, aRs, aCs, b + start * bCs * 4, bRs, bCs, c + start * 4, cRs, acc, this.mainScratch);
    }
    if (s.adaptive) {
      // A split must beat the single-threaded rate by 15%. Until one was measured, the
      // main thread's share, scaled up, estimates the single-threaded time.
      const elapsed = performance.now() - start0;
      const slow = this.singleRate > 0
        ? size / elapsed < 1.15 * this.singleRate
        : elapsed > 0.85 * (t1 - t0) * (total / chunk);
      if (slow) {
        s.counters.slowSplits++;
        this.backoff = Math.min(Math.max(2 * this.backoff, 4), 256);
        this.skip = this.backoff;
      } else {
        this.backoff = 0;
      }
    }
  }

  /** Starts the workers if needed and resolves once they take jobs. */
  async warmUp(): Promise<void> {
    if (this.settings.threads <= 1) return;
    const pool = this.pool ?? this.start();
    const started = Date.now();
    while (pool.readyCount() < Math.min(pool.aliveCount(), this.settings.threads - 1)) {
      if (Date.now() - started > 30_000) throw new Error('wasm backend: worker threads did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (pool.error) throw new Error(`wasm backend: a worker thread failed: ${pool.error.message}`);
  }

  /** Stops the workers; the next large product starts new ones. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (!pool) return;
    await pool.close();
    for (const s of this.workerScratch) this.heap.release(s);
    this.workerScratch = [];
  }

  private start(): GemmPool {
    const controls: number[] = [];
    for (let i = 0; i < this.settings.threads - 1; i++) {
      this.workerScratch.push(this.heap.reserve(this.scratchBytes));
      controls.push(this.heap.reserve(CONTROL_BYTES));
    }
    this.pool = new GemmPool(this.module, this.memory, controls);
    return this.pool;
  }
}
