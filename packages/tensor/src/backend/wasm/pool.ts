import { Worker } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from './webassembly.js';

/*
 * Persistent worker threads that run the gemm kernel on the shared memory.
 * Each worker owns a control block of Int32 slots in that memory; the main
 * thread writes a job's arguments there, bumps SEQ and the worker answers by
 * setting DONE to the same number. Both sides spin briefly before sleeping in
 * Atomics.wait: a sleeping thread takes 30-130 µs to wake, a spinning one
 * well under a microsecond, and the matmuls of a training step come in quick
 * succession.
 */
const SEQ = 0;
const DONE = 1;
const STATE = 2; // 0 starting, 1 ready, 2 stopping
const SLEEPING = 3; // 1 while the worker is (about to be) in Atomics.wait
const FAILED = 4; // last SEQ whose job threw
const ARGS = 8;
export const GEMM_ARG_COUNT = 13;
export const CONTROL_BYTES = (ARGS + GEMM_ARG_COUNT) * 4;

/**
 * How long a worker spins for the next job before sleeping: enough to bridge the
 * elementwise work between the matmuls of a training step (OpenMP runtimes spin
 * far longer by default).
 */
const WORKER_SPIN_MS = 1;
/** How long the main thread spins for a worker's result before sleeping. */
const MAIN_SPIN_MS = 1;

// The worker runs from source text rather than a file so it works unchanged
// from the TypeScript sources (tests), the bundled dist and any bundler that
// does not know about worker entry points. It is plain JavaScript and fixed.
// Dynamic import() is the one module loader that works whether Node evaluates
// the text as CommonJS or as ESM (it follows --input-type, which workers inherit).
const WORKER_SOURCE = `
import('node:worker_threads').then(({ workerData }) => serve(workerData));
function serve({ module, memory, control, spinMs }) {
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
  const c = new Int32Array(memory.buffer, control, ${ARGS + GEMM_ARG_COUNT});
  let seen = Atomics.load(c, ${SEQ});
  Atomics.store(c, ${STATE}, 1);
  for (;;) {
    let seq = Atomics.load(c, ${SEQ});
    if (seq === seen) {
      const until = performance.now() + spinMs;
      while ((seq = Atomics.load(c, ${SEQ})) === seen && performance.now() < until);
      while (seq === seen) {
        Atomics.store(c, ${SLEEPING}, 1);
        if ((seq = Atomics.load(c, ${SEQ})) === seen) Atomics.wait(c, ${SEQ}, seen);
        Atomics.store(c, ${SLEEPING}, 0);
        seq = Atomics.load(c, ${SEQ});
      }
    }
    seen = seq;
    if (Atomics.load(c, ${STATE}) === 2) break;
    try {
      gemm(c[${ARGS}], c[${ARGS + 1}], c[${ARGS + 2}], c[${ARGS + 3}], c[${ARGS + 4}], c[${ARGS + 5}], c[${ARGS + 6}],
        c[${ARGS + 7}], c[${ARGS + 8}], c[${ARGS + 9}], c[${ARGS + 10}], c[${ARGS + 11}], c[${ARGS + 12}]);
    } catch {
      Atomics.store(c, ${FAILED}, seen);
    }
    Atomics.store(c, ${DONE}, seen);
    Atomics.notify(c, ${DONE});
  }
}
`;

interface PoolWorker {
  worker: Worker;
  control: Int32Array;
  seq: number;
}

/** Threads beside the main one that run gemm jobs on the shared memory. */
export class GemmPool {
  private readonly workers: PoolWorker[] = [];
  /** The first error a worker died of, if any. */
  error: Error | undefined;

  /** `controls`: one CONTROL_BYTES region (byte offset) per worker, reserved in `memory`. */
  constructor(module: WasmModule, memory: WasmMemory, controls: readonly number[]) {
    for (const control of controls) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // The worker needs none of the parent's flags (loaders, --input-type).
        execArgv: [],
        workerData: { module, memory, control, spinMs: WORKER_SPIN_MS },
      });
      // Idle workers never keep the process alive.
      worker.unref();
      const view = new Int32Array(memory.buffer, control, ARGS + GEMM_ARG_COUNT);
      this.workers.push({ worker, control: view, seq: 0 });
      worker.on('exit', () => Atomics.store(view, STATE, 2));
      // A worker that fails to start only costs its share of the parallelism; say why on warmUp().
      worker.on('error', (err) => {
        this.error ??= err;
      });
    }
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

  /** Starts gemm on worker `i` with the 13 kernel arguments in `args`. */
  start(i: number, args: ArrayLike<number>): void {
    const w = this.workers[i]!;
    const c = w.control;
    for (let j = 0; j < GEMM_ARG_COUNT; j++) c[ARGS + j] = args[j]!;
    w.seq = (w.seq + 1) | 0;
    Atomics.store(c, SEQ, w.seq);
    if (Atomics.load(c, SLEEPING) === 1) Atomics.notify(c, SEQ);
  }

  /** Waits for worker `i`'s current job; false when the job failed (the caller redoes it). */
  finish(i: number): boolean {
    const w = this.workers[i]!;
    const c = w.control;
    if (Atomics.load(c, DONE) !== w.seq) {
      const until = performance.now() + MAIN_SPIN_MS;
      while (Atomics.load(c, DONE) !== w.seq && performance.now() < until);
      for (let done = Atomics.load(c, DONE); done !== w.seq; done = Atomics.load(c, DONE)) {
        if (Atomics.load(c, STATE) === 2) return false;
        Atomics.wait(c, DONE, done, 100);
      }
    }
    return Atomics.load(c, FAILED) !== w.seq;
  }

  /** Stops the workers; the pool cannot be used afterwards. */
  async close(): Promise<void> {
    for (const w of this.workers) {
      Atomics.store(w.control, STATE, 2);
      Atomics.store(w.control, SEQ, (w.seq = (w.seq + 1) | 0));
      Atomics.notify(w.control, SEQ);
    }
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
