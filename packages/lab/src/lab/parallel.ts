import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TASKS } from '../tasks.js';
import { assembleLab, planLab, runJob, type JobResult, type LabHooks } from './run-lab.js';
import type { LabOptions, LabResult } from './types.js';

/** Options of {@link runLabParallel}: thread count and modules each worker imports, plus the lab hooks. */
export interface ParallelOptions extends LabHooks {
  /**
   * Threads, this one included; 1 runs the jobs in this thread. `'auto'` (the default) runs the
   * first two runs in this thread, times the second, and starts workers, up to the machine's
   * cores, only when the rest would take this thread at least {@link AUTO_PARALLEL_MS} ms: a
   * worker costs about a second of CPU to start and warm up.
   */
  threads?: number | 'auto';
  /** Called once with the number of threads the sweep runs on (after the first two runs under `'auto'`). */
  onThreads?: (threads: number) => void;
  /** Under `'auto'`, the serial time left (ms) from which workers start (default {@link AUTO_PARALLEL_MS}). */
  autoParallelMs?: number;
  /**
   * Modules every worker imports before training (file URLs or paths), e.g. one that registers
   * a custom activation: a worker starts with a fresh registry.
   */
  imports?: readonly string[];
}

/** The most threads a sweep uses by default: the machine's available parallelism. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Serial time left after the first two runs (estimated from the second) from which an `'auto'` sweep starts
 * workers. Measured 2026-12-02 on 2 vCPUs (bench:sweep): the default 6 × 5 sweep, about 1.7 s
 * serial, took 0.94× as long on 2 threads (the serial run already keeps 1.45 cores busy with V8
 * compiling in the background); 120 runs, about 4.8 s, took 1.37× less.
 */
export const AUTO_PARALLEL_MS = 3000;

// Under tsx or vitest the modules are TypeScript: a worker then registers tsx's loader itself
// before importing its entry (Node 20 does not apply a parent's --import to a worker's entry).
const IS_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(IS_SOURCE ? './sweep-worker.ts' : './sweep-worker.js', import.meta.url).href;
const BOOT = `const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})();`;

function tsxLoader(): string | undefined {
  if (!IS_SOURCE) return undefined;
  const api = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  return pathToFileURL(api).href;
}

/**
 * Runs the lab's jobs across worker threads: each configuration × seed is independent, and a
 * run depends only on its job and the options, so the result is the serial `runLab`'s, run for
 * run (the `seconds` timings aside). Jobs go to whichever worker is free; results are put back
 * in plan order. This thread trains too, beside threads − 1 workers whose WebAssembly backends
 * are held to one thread each, so `threads` cores are busy.
 */
export async function runLabParallel(options: LabOptions, opts: ParallelOptions = {}): Promise<LabResult> {
  const data = TASKS[options.task].load(options.seed);
  const plan = planLab(options, data);
  const total = plan.jobs.length;
  const asked = opts.threads ?? 'auto';
  if (asked !== 'auto' && !(Number.isInteger(asked) && asked >= 1)) {
    throw new RangeError(`lab: threads must be a whole number ≥ 1 or 'auto', got ${String(asked)}`);
  }
  let threads = Math.max(1, Math.min(asked === 'auto' ? defaultThreads() : asked, total));
  const label = (i: number) => {
    const job = plan.jobs[i]!;
    return `${job.deep ? 'deep ' : ''}${job.config} seed ${options.seed + job.k}`;
  };
  const results = new Array<JobResult>(total);
  // Jobs before `first` have run in this thread.
  let first = 0;
  const serialJob = (i: number) => {
    results[i] = runJob(options, plan.jobs[i]!, data);
    opts.onRun?.(i + 1, total, label(i));
  };
  if (asked === 'auto' && threads > 1) {
    // The first run warms V8 up (three times a later run's time here), so the second one is
    // the estimate.
    serialJob(0);
    const t0 = performance.now();
    if (total > 1) serialJob(1);
    first = Math.min(2, total);
    if ((performance.now() - t0) * (total - first) < (opts.autoParallelMs ?? AUTO_PARALLEL_MS)) threads = 1;
    threads = Math.min(threads, Math.max(1, total - first));
  }
  opts.onThreads?.(threads);
  if (threads === 1) {
    for (let i = first; i < total; i++) serialJob(i);
    return assembleLab(options, plan, results, data);
  }

  const imports = (opts.imports ?? []).map((p) => (p.startsWith('file:') ? p : pathToFileURL(p).href));
  const workerData = { tsx: tsxLoader(), entry: WORKER_URL };
  const execArgv = IS_SOURCE ? ['--conditions=source'] : [];
  // Every thread claims its next job from this shared counter the moment it is free. Handing
  // jobs out by message instead left each worker idle until this thread finished its own job
  // and read the mailbox: with jobs of similar length, a worker ran one job for this thread's
  // two (the 6 × 5 sweep on 2 cores took as long as on one, 2026-12-02).
  const counter = new Int32Array(new SharedArrayBuffer(4));
  counter[0] = first;
  const claim = () => Atomics.add(counter, 0, 1);
  const workers: Worker[] = [];
  let done = first;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: unknown) => {
        failed = true;
        Atomics.store(counter, 0, total); // nobody starts another job
        reject(err);
      };
      const finish = (index: number, result: JobResult) => {
        results[index] = result;
        opts.onRun?.(++done, total, label(index));
        if (done === total) resolve();
      };
      // threads − 1 workers, and this thread is the last one: it starts training at once, while
      // the workers boot (half a second each), and between two of its jobs it reports the
      // workers' results.
      for (let t = 1; t < threads; t++) {
        const w = new Worker(BOOT, { eval: true, workerData, execArgv, env: { ...process.env, ACTGRAD_THREADS: '1' } });
        workers.push(w);
        w.on('error', fail);
        w.on('exit', (code) => {
          if (done < total && !failed) fail(new Error(`lab: a sweep worker stopped (exit code ${code}) before the sweep finished`));
        });
        w.on('message', (m: { type: 'result'; index: number; result: JobResult } | { type: 'error'; message: string }) => {
          if (m.type === 'error') fail(new Error(m.message));
          else finish(m.index, m.result);
        });
        w.postMessage({ type: 'init', options, plan, imports, counter });
      }
      const mainThreadJob = () => {
        if (failed) return;
        const index = claim();
        if (index >= total) return; // the workers' last results arrive as messages
        try {
          finish(index, runJob(options, plan.jobs[index]!, data));
        } catch (err) {
          fail(err);
          return;
        }
        setImmediate(mainThreadJob);
      };
      setImmediate(mainThreadJob);
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return assembleLab(options, plan, results, data);
}
