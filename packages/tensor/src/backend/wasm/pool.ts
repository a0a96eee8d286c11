import { Worker } from '#platform';
import type { NativeWorkerSpec } from './native-gemm.js';
import type { WasmMemory, WasmModule } from './webassembly.js';

/*
 * Persistent worker threads that share a matmul with the main thread.
 *
 * A split product is cut into chunks (row blocks or column panels of C) and
 * every thread, the main one included, claims chunks from one counter until
 * none are left. A thread that runs slower, because its core is shared with
 * another process or because it woke late, simply takes fewer chunks; a fixed
 * half-and-half split would make the whole product wait for it.
 *
 * The job block, shared by all threads, holds the counter, a count of finished
 * chunks and the product's arguments. The counter carries the job's tag in its
 * high bits beside the number of chunks left, so a worker that wakes after its
 * job has ended can never claim a chunk of the next one with stale arguments:
 * the main thread retags the counter before it rewrites the arguments.
 *
 * Each worker owns a control block: the main thread starts a job by writing
 * the tag to SEQ. Both sides spin briefly before sleeping in Atomics.wait: a
 * sleeping thread takes 30-130 µs to wake, a spinning one well under a
 * microsecond, and the matmuls of a training step come in quick succession.
 */

// Worker control block, in Int32 slots.
const SEQ = 0; // tag of the latest job
const DONE = 1; // tag of the last job the worker has left
const STATE = 2; // 0 starting, 1 ready, 2 stopped
const SLEEPING = 3; // 1 while the worker is (about to be) in Atomics.wait
const FAILED = 4; // tag of the last job in which one of its chunks threw
const FAILED_CHUNK = 5; // that chunk
const CURRENT = 6; // tag << 16 | chunk while computing one, else -1
const CONTROL_WORDS = 8;
export const CONTROL_BYTES = CONTROL_WORDS * 4;

// Job block, in Int32 slots.
const COUNTER = 0; // tag << 16 | chunks not yet claimed (claimed from the last down)
const COMPLETED = 1; // chunks finished (or failed) in the current job
const ARGS = 4;
/** m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, accumulate, mode (a JobMode), chunk, total, packed B. */
export const JOB_ARG_COUNT = 16;

/**
 * What a chunk of a job is: a panel of C's columns or a block of its rows (each
 * chunk packing its own B), a range of B's columns to pack into the shared
 * packed B, a block of C's rows over that packed B, or a range of the elements
 * of an Adam step over a model's parameters (m: the runs, n: their table, k: the
 * step's constants).
 */
export const JobMode = { Columns: 0, Rows: 1, PackB: 2, RowsPackedB: 3, Adam: 4 } as const;
export const JOB_BYTES = (ARGS + JOB_ARG_COUNT) * 4;
/** Most chunks one job can have (the counter's low 16 bits). */
export const MAX_CHUNKS = 0xffff;
const MAX_TAG = 0x7fff;

/**
 * How long a worker spins for the next job before sleeping: enough to bridge the
 * elementwise work between the matmuls of a training step (OpenMP runtimes spin
 * far longer by default).
 */
const WORKER_SPIN_MS = 1;
/** How long the main thread spins for the last chunks before sleeping. */
const MAIN_SPIN_MS = 1;

// The worker runs from source text rather than a file so it works unchanged
// from the TypeScript sources (tests), the bundled dist and any bundler that
// does not know about worker entry points. It is plain JavaScript and fixed.
// Dynamic import() is the one module loader that works whether Node evaluates
// the text as CommonJS or as ESM (it follows --input-type, which workers inherit).
const WORKER_SOURCE = `
import('node:worker_threads').then(async ({ workerData }) => {
  // A native gemm (native-gemm.ts) replaces the module's gemm and Adam step in this thread too.
  const native = workerData.native;
  const bound = native && (await import('node:module')).createRequire(native.file)(native.file)
    .bind(new Float32Array(workerData.memory.buffer), native.sizeSlot, native.isa);
  serve(workerData, bound);
});
function serve({ module, memory, control, job, scratch, spinMs }, bound) {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const { gemmPackB, gemmPackedB } = exports;
  const gemm = bound ? bound.gemm : exports.gemm;
  const adamAllF32 = bound ? bound.adamAllF32 : exports.adamAllF32;
  const c = new Int32Array(memory.buffer, control, ${CONTROL_WORDS});
  const j = new Int32Array(memory.buffer, job, ${ARGS + JOB_ARG_COUNT});
  let seen = Atomics.load(c, ${SEQ});
  Atomics.store(c, ${STATE}, 1);
  try {
    for (;;) {
      let seq = Atomics.load(c, ${SEQ});
      // Spin, then sleep; a wake-up without a job (wake()) spins again before sleeping.
      while (seq === seen) {
        const until = performance.now() + spinMs;
        while ((seq = Atomics.load(c, ${SEQ})) === seen && performance.now() < until);
        if (seq !== seen) break;
        Atomics.store(c, ${SLEEPING}, 1);
        if ((seq = Atomics.load(c, ${SEQ})) === seen) Atomics.wait(c, ${SEQ}, seen);
        Atomics.store(c, ${SLEEPING}, 0);
        seq = Atomics.load(c, ${SEQ});
      }
      seen = seq;
      if (Atomics.load(c, ${STATE}) === 2) break;
      for (;;) {
        const cur = Atomics.load(j, ${COUNTER});
        if (cur >>> 16 !== seen || (cur & 0xffff) === 0) break;
        if (Atomics.compareExchange(j, ${COUNTER}, cur, cur - 1) !== cur) continue;
        const i = (cur & 0xffff) - 1;
        Atomics.store(c, ${CURRENT}, (seen << 16) | i);
        let ok = true;
        try {
          chunk(i);
        } catch {
          ok = false;
          c[${FAILED_CHUNK}] = i;
          Atomics.store(c, ${FAILED}, seen);
        }
        Atomics.store(c, ${CURRENT}, -1);
        Atomics.add(j, ${COMPLETED}, 1);
        Atomics.notify(j, ${COMPLETED});
        if (!ok) break;
      }
      Atomics.store(c, ${DONE}, seen);
    }
  } finally {
    Atomics.store(c, ${STATE}, 2);
  }
  function chunk(i) {
    const A = ${ARGS};
    const m = j[A], n = j[A + 1], k = j[A + 2], a = j[A + 3], aRs = j[A + 4], aCs = j[A + 5];
    const b = j[A + 6], bRs = j[A + 7], bCs = j[A + 8], cp = j[A + 9], cRs = j[A + 10], acc = j[A + 11];
    const mode = j[A + 12], size = j[A + 13], start = i * size, len = Math.min(size, j[A + 14] - start), packed = j[A + 15];
    if (mode === ${JobMode.Rows}) gemm(len, n, k, a + start * aRs * 4, aRs, aCs, b, bRs, bCs, cp + start * cRs * 4, cRs, acc, scratch);
    else if (mode === ${JobMode.Columns}) gemm(m, len, k, a, aRs, aCs, b + start * bCs * 4, bRs, bCs, cp + start * 4, cRs, acc, scratch);
    else if (mode === ${JobMode.PackB}) gemmPackB(k, n, b, bRs, bCs, packed, start, start + len);
    else if (mode === ${JobMode.Adam}) adamAllF32(m, n, k, start, start + len);
    else gemmPackedB(len, n, k, a + start * aRs * 4, aRs, aCs, packed, cp + start * cRs * 4, cRs, acc, scratch);
  }
}
`;

interface PoolWorker {
  worker: Worker;
  control: Int32Array;
}

/** Threads beside the main one that claim chunks of a split matmul from the shared memory. */
export class GemmPool {
  private readonly workers: PoolWorker[] = [];
  private readonly job: Int32Array;
  private tag = 0;
  /** The first error a worker died of, if any. */
  error: Error | undefined;

  /**
   * `job`: a JOB_BYTES region (byte offset) reserved in `memory`; `controls` and
   * `scratch`: one CONTROL_BYTES region and one gemm scratch region per worker.
   */
  constructor(module: WasmModule, memory: WasmMemory, job: number, controls: readonly number[], scratch: readonly number[],
    native?: NativeWorkerSpec) {
    this.job = new Int32Array(memory.buffer, job, ARGS + JOB_ARG_COUNT);
    controls.forEach((control, i) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // The worker needs none of the parent's flags (loaders, --input-type).
        execArgv: [],
        workerData: { module, memory, control, job, scratch: scratch[i], spinMs: WORKER_SPIN_MS, native },
      });
      // Idle workers never keep the process alive.
      worker.unref();
      const view = new Int32Array(memory.buffer, control, CONTROL_WORDS);
      view[CURRENT] = -1;
      this.workers.push({ worker, control: view });
      worker.on('exit', () => Atomics.store(view, STATE, 2));
      // A worker that fails to start only costs its share of the parallelism; say why on warmUp().
      worker.on('error', (err) => {
        this.error ??= err;
      });
    });
  }

  /** Workers in the pool, started or not. */
  get size(): number {
    return this.workers.length;
  }

  /** Workers that have not stopped (started or still starting). */
  aliveCount(): number {
    let n = 0;
    for (const w of this.workers) if (Atomics.load(w.control, STATE) !== 2) n++;
    return n;
  }

  /** Workers that have started and can take a job now (none while they boot). */
  readyCount(): number {
    let n = 0;
    for (const w of this.workers) if (Atomics.load(w.control, STATE) === 1) n++;
    return n;
  }

  /** Whether every worker is spinning for work, so a job starts within a microsecond. */
  hot(): boolean {
    for (const w of this.workers) if (Atomics.load(w.control, SLEEPING) !== 0) return false;
    return true;
  }

  /**
   * Wakes sleeping workers without a job, so that they spin (and take the next
   * job within a microsecond) for the next WORKER_SPIN_MS.
   */
  wake(): void {
    for (const w of this.workers) if (Atomics.load(w.control, SLEEPING) === 1) Atomics.notify(w.control, SEQ);
  }

  /**
   * Opens a job of `chunks` chunks (at most MAX_CHUNKS) with the JOB_ARG_COUNT
   * arguments in `args` and wakes the workers; returns its tag for claim() and finish().
   */
  begin(args: ArrayLike<number>, chunks: number): number {
    const job = this.job;
    const tag = (this.tag = this.tag === MAX_TAG ? 1 : this.tag + 1);
    // Retag the counter first: from here on no worker can claim a chunk of the last job.
    Atomics.store(job, COUNTER, (tag << 16) | chunks);
    Atomics.store(job, COMPLETED, 0);
    for (let i = 0; i < JOB_ARG_COUNT; i++) job[ARGS + i] = args[i]!;
    for (const w of this.workers) {
      Atomics.store(w.control, SEQ, tag);
      if (Atomics.load(w.control, SLEEPING) === 1) Atomics.notify(w.control, SEQ);
    }
    return tag;
  }

  /** Claims the next chunk of job `tag` for the main thread; -1 when none is left. */
  claim(tag: number): number {
    const job = this.job;
    for (;;) {
      const cur = Atomics.load(job, COUNTER);
      if (cur >>> 16 !== tag || (cur & 0xffff) === 0) return -1;
      if (Atomics.compareExchange(job, COUNTER, cur, cur - 1) === cur) return (cur & 0xffff) - 1;
    }
  }

  /** Counts a chunk the main thread has finished. */
  completed(): void {
    Atomics.add(this.job, COMPLETED, 1);
  }

  /**
   * Waits until all `chunks` chunks of job `tag` are finished. A chunk that threw in
   * a worker, or that a stopped worker left unfinished, is handed to `redo` on
   * this thread. Returns how many were.
   */
  finish(tag: number, chunks: number, redo: (chunk: number) => void): number {
    const job = this.job;
    let redone = 0;
    if (Atomics.load(job, COMPLETED) !== chunks) {
      const until = performance.now() + MAIN_SPIN_MS;
      while (Atomics.load(job, COMPLETED) !== chunks && performance.now() < until);
      for (let done = Atomics.load(job, COMPLETED); done !== chunks; done = Atomics.load(job, COMPLETED)) {
        for (const w of this.workers) {
          const current = Atomics.load(w.control, CURRENT);
          if (current >>> 16 !== tag || Atomics.load(w.control, STATE) !== 2) continue;
          w.control[CURRENT] = -1;
          redo(current & 0xffff);
          redone++;
          Atomics.add(job, COMPLETED, 1);
        }
        Atomics.wait(job, COMPLETED, done, 20);
      }
    }
    for (const w of this.workers) {
      if (Atomics.load(w.control, FAILED) !== tag) continue;
      redo(w.control[FAILED_CHUNK]!);
      redone++;
    }
    return redone;
  }

  /** Stops the workers; the pool cannot be used afterwards. */
  async close(): Promise<void> {
    for (const w of this.workers) {
      Atomics.store(w.control, STATE, 2);
      Atomics.store(w.control, SEQ, -1);
      Atomics.notify(w.control, SEQ);
    }
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
