import type { WasmHeap } from './heap.js';
import type { NativeGemmExports, NativeWorkerSpec } from './native-gemm.js';
import { CONTROL_BYTES, GemmPool, JOB_ARG_COUNT, JOB_BYTES, JobMode, MAX_CHUNKS } from './pool.js';
import { wasmApi, type WasmMemory, type WasmModule } from './webassembly.js';

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
/** Chunks per thread a split product is cut into, so that a slower thread takes fewer. */
const CHUNKS_PER_THREAD = 8;
/** Fewest multiply-adds in a chunk (about 10 µs on one core): claiming one costs well under a microsecond. */
const MIN_CHUNK_SIZE = 2 ** 18;
/** Longest pause in splitting after a split that did not pay, in single-threaded work. */
const MAX_PAUSE_MS = 50;
/** Floats of B one packing chunk copies at least (some 10–20 µs). */
const MIN_PACK_CHUNK = 2 ** 15;
/**
 * Fewest parameters an Adam step shares with the workers (about 50 µs on one core); and its
 * chunks, a fourth of each thread's share, hold at least a fourth of that.
 */
const ADAM_SPLIT_SIZE = 2 ** 16;
/**
 * What splitting has shown for one product shape. When the cores are busy with other processes
 * a worker can wait milliseconds for CPU time, and a split then costs more than it saves; and
 * some shapes gain too little from a second thread to pay for the hand-over (in a W2 step on
 * native code the 128×256 · 256×128 products did not, while the 784-wide ones ran 1.3–1.6×).
 * After such a split the next `skip` products of that shape stay on one thread; the pause
 * doubles with each further miss and resets after a split that pays. Each shape keeps its own:
 * a global pause, set off by a small product that lost, kept the large ones that pay on one
 * thread too (W2 on native code, 2 threads against 1: 1.02–1.06× with one pause for all
 * shapes, 1.26–1.29× never pausing).
 */
interface ShapeRecord {
  /**
   * Multiply-adds per ms of recent unsplit products of this shape: the rate a split must beat.
   * Per shape, since the products of one training step run at rates up to 1.5× apart. Two
   * threads that share one physical core (hyperthreads, or an oversubscribed host) each run at
   * half speed, which the main thread's share alone cannot reveal.
   */
  rate: number;
  skip: number;
  backoff: number;
  /**
   * Verdicts of the last four splits, one bit each (1: did not pay). A split that did not pay
   * pauses splitting only when another of the three before it did not either: on a virtual
   * machine a vCPU is now and then held up for a fraction of a millisecond, and pausing at each
   * such hiccup kept a 256³ product on one thread for most of its calls. 2 threads, 256³, share
   * of the peak in neighbouring windows (bench/src/paired.ts), three processes each,
   * 2026-12-02: 43–71% pausing at every miss, 74–81% at the second in four, 64–81% at the
   * third (no better: misses come in runs when a vCPU is held up).
   */
  verdicts: number;
}
/** Product shapes remembered (the map starts over when full). */
const MAX_SHAPES = 64;
/** One number per product shape (exact while m, n and k are below 2^17). */
function shapeKey(m: number, n: number, k: number): number {
  return (m * 131072 + n) * 131072 + k;
}
/** Largest shared packed B kept (bytes); a larger B is packed by each row block instead. */
const MAX_PACKED_B_BYTES = 2 ** 26;

/** The module's exports beside gemm that pack B once for all threads and read it packed, and Adam's step. */
interface PackedBExports {
  gemmPackB(k: number, n: number, b: number, bRs: number, bCs: number, dst: number, j0: number, j1: number): void;
  gemmPackedB(m: number, n: number, k: number, a: number, aRs: number, aCs: number,
    packed: number, c: number, cRs: number, accumulate: number, scratch: number): void;
  adamAllF32(count: number, table: number, consts: number, lo: number, hi: number): void;
  /** Rows of the module's register tile (5 in the FMA gemm, 4 in the plain one). */
  gemmTileRows(): number;
}

/** The tunables the backend exposes, read on every call. */
export interface ParallelSettings {
  threads: number;
  parallelThreshold: number;
  hotParallelThreshold: number;
  adaptive: boolean;
  readonly counters: { splitCalls: number; slowSplits: number; workerFailures: number; adamSplits: number };
}

/**
 * Runs gemm on the main thread, or cut into row blocks or column panels of C
 * that the main thread and the worker pool claim one at a time, when the
 * product is large enough to pay for the hand-over.
 */
export class ParallelGemm {
  private pool: GemmPool | null = null;
  private workerScratch: number[] = [];
  private controls: number[] = [];
  private jobBlock = -1;
  private readonly mainScratch: number;
  private readonly args = new Int32Array(JOB_ARG_COUNT);
  private readonly redo = (i: number): void => this.chunk(i);
  private readonly packing: PackedBExports;
  /** Row blocks are cut on whole register tiles, so that only the product's last rows make an edge tile. */
  private readonly tileRows: number;
  /** Columns of a packed B panel (8 in the modules, 32 in AVX-512 native code): column panels are cut on it. */
  private readonly panelCols: number;
  /** The shared packed B (bytes at the address), reserved on first use and grown as needed. */
  private packed = -1;
  private packedBytes = 0;
  /** Milliseconds this thread spent on its own chunks of the last job. */
  private mainMs = 0;
  // Multiply-adds per ms of recent unsplit large products, the fastest shape's: it caps the
  // pauses below at about MAX_PAUSE_MS of work.
  private singleRate = 0;
  /** What splitting has shown for each product shape (m, n, k): see ShapeRecord. */
  private readonly shapes = new Map<number, ShapeRecord>();

  constructor(
    private readonly kernel: GemmKernel,
    private readonly scratchBytes: number,
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly heap: WasmHeap,
    private readonly settings: ParallelSettings,
    private readonly native?: { exports: NativeGemmExports; worker: NativeWorkerSpec },
  ) {
    this.mainScratch = heap.reserve(scratchBytes);
    // A native gemm packs its own operands, and brings its own Adam step.
    const wasm = new wasmApi!.Instance(module, { env: { memory } }).exports as unknown as PackedBExports;
    this.packing = native ? { ...wasm, adamAllF32: native.exports.adamAllF32 } : wasm;
    this.tileRows = native ? native.exports.gemmTileRows() : this.packing.gemmTileRows();
    this.panelCols = native ? native.exports.gemmPanelCols() : 8;
  }

  run(m: number, n: number, k: number, a: number, aRs: number, aCs: number,
    b: number, bRs: number, bCs: number, c: number, cRs: number, acc: number): void {
    const s = this.settings;
    let parts = 1;
    // Whether the workers were asleep when the product was split: its time then includes their
    // wake-up (30–130 µs), which the thresholds weigh, and says nothing of whether splitting
    // this shape pays, so such a split is not judged below. Judged, a wake-up paused the shape,
    // the workers fell asleep during the pause, the next split woke them and was paused again:
    // 256³ on 2 threads, share of the peak in neighbouring windows, 3 processes each,
    // 2026-12-02: wasm 78% (78–80%) judged, 88% (87–89%) not; native 70% (47–71%), 78% (75–78%).
    let cold = false;
    const size = m * n * k;
    if (s.threads > 1 && size >= s.hotParallelThreshold) {
      const pool = this.pool ?? this.start();
      const hot = pool.hot();
      if (size >= s.parallelThreshold || hot) {
        parts = 1 + Math.min(pool.readyCount(), s.threads - 1);
        cold = !hot;
        const record = parts > 1 ? this.shapes.get(shapeKey(m, n, k)) : undefined;
        if (record && record.skip > 0) {
          parts = 1;
          // The workers may have gone to sleep during the pause; wake them two products before
          // it ends, so that they spin when the next split comes.
          if (--record.skip <= 2) pool.wake();
        }
      }
    }
    // Cut the columns of C when each panel can read row-major A in place (the FMA
    // gemm does below 32 columns, gemm.ts): nothing is packed twice. Otherwise cut
    // the rows: all threads share one packed copy of B (packed first, its panels
    // shared out too) and each row block packs only its own rows of A. Cutting the
    // columns there would pack the whole of A again for every panel: n = 1024 in
    // 64-column panels went from 62–70 to 75–89 GFLOP/s on 2 threads by rows (best
    // windows, old and new alternating in one process, loaded machine). A 32-row
    // block over packed B runs near the whole product's single-threaded rate (47
    // against 51 GFLOP/s at n = 256); columns are cut on 16 floats (64-byte lines
    // of C). By rows, n = 256 and W2's 128×784 · 784×256 tied with their in-place
    // column panels or lost (66–76 against 71–74), so those keep the panels.
    let byRows: boolean, unit: number, total: number, chunk: number;
    if (this.native) {
      // A native gemm splits C into one column panel per thread (whole packed panels), or into
      // row blocks when C is too narrow: each thread then packs only its own B (or A), and
      // nothing one thread packed crosses to the other's core. 2 threads against 1, medians of
      // 7 neighbouring windows (AVX-512, Zen 5): W2's 128×784 · 784×256 1.58× in halves,
      // 1.04–1.14× in 32-row blocks over a shared packed B, 1.2–1.4× in 32- or 64-column panels.
      byRows = n < parts * this.panelCols && m >= parts * this.tileRows;
      unit = byRows ? this.tileRows : this.panelCols;
      total = byRows ? m : n;
      chunk = Math.ceil(total / parts / unit) * unit;
    } else {
      const colUnit = 16;
      const columns = Math.max(Math.ceil(n / (CHUNKS_PER_THREAD * parts) / colUnit), Math.ceil(MIN_CHUNK_SIZE / (m * k) / colUnit)) * colUnit;
      const inPlace = aCs === 1 && columns < 32 && n >= 64 * parts;
      byRows = m >= 32 * parts ? !inPlace : m >= n;
      unit = byRows ? this.tileRows : colUnit;
      total = byRows ? m : n;
      chunk = Math.ceil(total / (CHUNKS_PER_THREAD * parts) / unit) * unit;
      if (byRows) chunk = Math.max(chunk, Math.ceil(32 / unit) * unit);
      chunk = Math.max(chunk, Math.ceil(MIN_CHUNK_SIZE / (size / total) / unit) * unit);
      chunk = Math.min(chunk, Math.ceil(total / parts / unit) * unit);
    }
    chunk = Math.max(chunk, Math.ceil(total / MAX_CHUNKS / unit) * unit);
    const chunks = Math.ceil(total / chunk);
    if (parts === 1 || chunks === 1) {
      if (size < RATE_SAMPLE_SIZE || !s.adaptive) {
        this.kernel(m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, this.mainScratch);
        return;
      }
      const t0 = performance.now();
      this.kernel(m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, this.mainScratch);
      const ms = performance.now() - t0;
      if (ms > 0) {
        this.singleRate = Math.max(size / ms, 0.95 * this.singleRate);
        const record = this.record(m, n, k);
        record.rate = Math.max(size / ms, 0.95 * record.rate);
      }
      return;
    }
    const args = this.args;
    args[0] = m; args[1] = n; args[2] = k;
    args[3] = a; args[4] = aRs; args[5] = aCs;
    args[6] = b; args[7] = bRs; args[8] = bCs;
    args[9] = c; args[10] = cRs; args[11] = acc;
    s.counters.splitCalls++;
    const t0 = performance.now();
    let mode: number = byRows ? JobMode.Rows : JobMode.Columns;
    // The single-threaded time of the split's work, as this thread's share scaled up.
    let alone = 0;
    if (byRows && !this.native && k > 0 && this.reservePacked(k * Math.ceil(n / 8) * 32)) {
      mode = JobMode.RowsPackedB;
      args[15] = this.packed;
      const packChunk = Math.ceil(n / Math.min(2 * parts, Math.ceil((k * n) / MIN_PACK_CHUNK)) / 8) * 8;
      const packChunks = Math.ceil(n / packChunk);
      const packMine = this.job(JobMode.PackB, packChunk, n, packChunks);
      alone = packMine > 0 ? this.mainMs * (packChunks / packMine) : Infinity;
    }
    const mine = this.job(mode, chunk, total, chunks);
    alone += mine > 0 ? this.mainMs * (chunks / mine) : Infinity;
    if (s.adaptive && !cold) {
      // A split must beat the single-threaded rate by 5%: as threads claim chunks, a
      // slow or late worker costs at most its last chunk, so a split rarely loses much.
      // Until that rate was measured, the main thread's share, scaled up, estimates it.
      const elapsed = performance.now() - t0;
      const record = this.record(m, n, k);
      const slow = record.rate > 0 ? size / elapsed < 1.05 * record.rate : elapsed > 0.95 * alone;
      record.verdicts = ((record.verdicts << 1) | (slow ? 1 : 0)) & 0xf;
      if (slow && (record.verdicts & 0b1110) !== 0) {
        s.counters.slowSplits++;
        record.backoff = Math.min(Math.max(2 * record.backoff, 4), 256);
        // A pause longer than ~50 ms of single-threaded work would outlast most hiccups.
        const cap = this.singleRate > 0 ? Math.max(4, Math.floor((MAX_PAUSE_MS * this.singleRate) / size)) : 256;
        record.skip = Math.min(record.backoff, cap);
      } else if (slow) {
        s.counters.slowSplits++;
      } else {
        record.backoff = 0;
      }
    }
  }

  /** The record of shape (m, n, k), made on first use (the map starts over past MAX_SHAPES). */
  private record(m: number, n: number, k: number): ShapeRecord {
    const key = shapeKey(m, n, k);
    let record = this.shapes.get(key);
    if (!record) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      record = { rate: 0, skip: 0, backoff: 0, verdicts: 0 };
      this.shapes.set(key, record);
    }
    return record;
  }

  /**
   * Adam's step over elements [0, total) of the `count` runs in `table` (asm/adam.ts's
   * `adamAllF32`), shared with the workers when they are spinning after the step's
   * matmuls (or the step is as large as a product that would wake them). In a W2 step on
   * two threads the update ran slower on the main thread alone than on one thread (0.32
   * against 0.18 ms): the worker had just written half of the gradients, which then had
   * to cross to the main thread's core. The bits do not depend on the split.
   */
  adamAll(count: number, table: number, consts: number, total: number): void {
    const s = this.settings;
    let parts = 1;
    if (s.threads > 1 && total >= ADAM_SPLIT_SIZE) {
      const pool = this.pool ?? (total >= s.parallelThreshold ? this.start() : null);
      if (pool && (pool.hot() || total >= s.parallelThreshold)) parts = 1 + Math.min(pool.readyCount(), s.threads - 1);
    }
    if (parts === 1) {
      this.packing.adamAllF32(count, table, consts, 0, total);
      return;
    }
    const args = this.args;
    args[0] = count; args[1] = table; args[2] = consts;
    const chunk = Math.max(Math.ceil(total / (4 * parts) / 16) * 16, ADAM_SPLIT_SIZE / 4);
    s.counters.adamSplits++;
    this.job(JobMode.Adam, chunk, total, Math.ceil(total / chunk));
  }

  /**
   * Runs job `mode` of `chunks` chunks of `chunk` (the last one up to `total`) over the
   * product in `args` with the workers; returns how many chunks this thread took, and
   * leaves in `mainMs` how long it took them.
   */
  private job(mode: number, chunk: number, total: number, chunks: number): number {
    const pool = this.pool!;
    const args = this.args;
    args[12] = mode; args[13] = chunk; args[14] = total;
    let mine = 0;
    const t0 = performance.now();
    if (chunks === 1) {
      this.chunk(0);
      this.mainMs = performance.now() - t0;
      return 1;
    }
    const tag = pool.begin(args, chunks);
    for (let i = pool.claim(tag); i >= 0; i = pool.claim(tag)) {
      this.chunk(i);
      pool.completed();
      mine++;
    }
    this.mainMs = performance.now() - t0;
    this.settings.counters.workerFailures += pool.finish(tag, chunks, this.redo);
    return mine;
  }

  /** Chunk `i` of the job in `args`, on this thread (the workers' `chunk` in pool.ts). */
  private chunk(i: number): void {
    const g = this.args;
    const mode = g[12]!, size = g[13]!, start = i * size, len = Math.min(size, g[14]! - start);
    if (mode === JobMode.Rows) {
      this.kernel(len, g[1]!, g[2]!, g[3]! + start * g[4]! * 4, g[4]!, g[5]!, g[6]!, g[7]!, g[8]!,
        g[9]! + start * g[10]! * 4, g[10]!, g[11]!, this.mainScratch);
    } else if (mode === JobMode.Columns) {
      this.kernel(g[0]!, len, g[2]!, g[3]!, g[4]!, g[5]!, g[6]! + start * g[8]! * 4, g[7]!, g[8]!,
        g[9]! + start * 4, g[10]!, g[11]!, this.mainScratch);
    } else if (mode === JobMode.PackB) {
      this.packing.gemmPackB(g[2]!, g[1]!, g[6]!, g[7]!, g[8]!, g[15]!, start, start + len);
    } else if (mode === JobMode.Adam) {
      this.packing.adamAllF32(g[0]!, g[1]!, g[2]!, start, start + len);
    } else {
      this.packing.gemmPackedB(len, g[1]!, g[2]!, g[3]! + start * g[4]! * 4, g[4]!, g[5]!, g[15]!,
        g[9]! + start * g[10]! * 4, g[10]!, g[11]!, this.mainScratch);
    }
  }

  /** Makes the shared packed B at least `bytes` long; false when it cannot be (too large, memory full). */
  private reservePacked(bytes: number): boolean {
    if (bytes <= this.packedBytes) return true;
    if (bytes > MAX_PACKED_B_BYTES) return false;
    // Reserving may grow the memory; the operands' byte addresses stay valid.
    const ptr = this.heap.reserve(bytes);
    if (ptr < 0) return false;
    if (this.packed >= 0) this.heap.release(this.packed);
    this.packed = ptr;
    this.packedBytes = bytes;
    return true;
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
    for (const r of [...this.workerScratch, ...this.controls, this.jobBlock]) this.heap.release(r);
    this.workerScratch = [];
    this.controls = [];
    this.jobBlock = -1;
    if (this.packed >= 0) this.heap.release(this.packed);
    this.packed = -1;
    this.packedBytes = 0;
  }

  private start(): GemmPool {
    for (let i = 0; i < this.settings.threads - 1; i++) {
      this.workerScratch.push(this.heap.reserve(this.scratchBytes));
      this.controls.push(this.heap.reserve(CONTROL_BYTES));
    }
    this.jobBlock = this.heap.reserve(JOB_BYTES);
    this.pool = new GemmPool(this.module, this.memory, this.jobBlock, this.controls, this.workerScratch, this.native?.worker);
    return this.pool;
  }
}
