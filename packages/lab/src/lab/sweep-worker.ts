import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskData } from '../tasks.js';
import { runJob, type LabPlan } from './run-lab.js';
import type { LabOptions } from './types.js';

/**
 * A sweep worker: loads the task's data once (the same seed gives the same data as in the main
 * thread), then trains the jobs it is sent, one at a time, and answers with each result.
 */
let options: LabOptions;
let plan: LabPlan;
let data: TaskData;

const port = parentPort!;
port.on('message', async (m: { type: 'init'; options: LabOptions; plan: LabPlan; imports: string[] } | { type: 'job'; index: number }) => {
  try {
    if (m.type === 'init') {
      for (const url of m.imports) await import(url);
      options = m.options;
      plan = m.plan;
      data = TASKS[options.task].load(options.seed);
      port.postMessage({ type: 'ready' });
      return;
    }
    port.postMessage({ type: 'result', index: m.index, result: runJob(options, plan.jobs[m.index]!, data) });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
