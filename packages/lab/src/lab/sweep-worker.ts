import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskData } from '../tasks.js';
import { runJob, type LabPlan } from './run-lab.js';
import type { LabOptions } from './types.js';

/**
 * A sweep worker: loads the task's data once (the same seed gives the same data as in the main
 * thread), then claims jobs from the shared counter and trains them one at a time, answering
 * with each result, until none are left.
 */
interface Init { type: 'init'; options: LabOptions; plan: LabPlan; imports: string[]; counter: Int32Array }

const port = parentPort!;
port.on('message', async (m: Init) => {
  try {
    for (const url of m.imports) await import(url);
    const { options, plan, counter } = m;
    const data: TaskData = TASKS[options.task].load(options.seed);
    const total = plan.jobs.length;
    for (let index = Atomics.add(counter, 0, 1); index < total; index = Atomics.add(counter, 0, 1)) {
      port.postMessage({ type: 'result', index, result: runJob(options, plan.jobs[index]!, data) });
    }
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
