import { activationNames } from '@actgrad/autograd';
import { parseLabArgs } from './cli-args.js';
import { formatSeconds, formatTable } from '../format.js';
import { labJson } from '../lab/aggregate.js';
import { defaultThreads, runLabParallel } from '../lab/parallel.js';
import { DEEP_HIDDEN } from '../lab/run-lab.js';
import type { LabOptions } from '../lab/types.js';
import { ProgressBar } from './progress.js';
import { buildLabPage, summaryRows } from '../report/lab-page.js';
import { writePage } from '../report/write.js';
import { TASKS } from '../tasks.js';
import { importPaths, importUserModules } from './user-modules.js';

export async function main(argv: readonly string[]): Promise<void> {
  await importUserModules(argv);
  const args = parseLabArgs(argv);
  const task = TASKS[args.task];
  const options: LabOptions = {
    task: args.task,
    hidden: args.hidden,
    outputs: args.outputs,
    seeds: args.seeds,
    seed: args.settings.seed,
    settings: args.settings,
    threshold: args.threshold ?? task.bar,
    deep: args.deep,
    deepHidden: DEEP_HIDDEN,
    sameStart: args.sameStart,
  };
  let threads = 1; // what the sweep ran on, from onThreads
  const bar = new ProgressBar(1, 'lab', process.stderr, args.json ? false : undefined);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage(); // the whole process: this thread and the workers
  const result = await runLabParallel(options, {
    threads: args.threads ?? 'auto',
    onThreads: (n) => (threads = n),
    imports: importPaths(argv),
    onRun: (done, total, label) => bar.update(done, `${done}/${total} runs  ${label}`, total),
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  bar.finish();
  const html = await buildLabPage({ result, testPoints: result.testPoints, allActivations: activationNames() });
  const path = writePage(html, `lab-${args.task}.html`, args.out);
  if (args.json) {
    process.stdout.write(`${labJson(result, path, { wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, threads })}\n`);
    return;
  }
  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const s of result.skipped) process.stderr.write(`skipped: ${s.hidden} → ${s.output}: ${s.reason}\n`);
  const runs = result.runs.length + (result.deep?.runs.length ?? 0);
  process.stdout.write(`${formatTable(summaryRows(result))}\n\n${runs} runs in ${formatSeconds(wall)} s on ${threads} thread${threads > 1 ? 's' : ''}${args.threads === undefined && threads === 1 && defaultThreads() > 1 ? ' (too short a sweep to pay for worker threads; --threads N asks for them)' : ''}. Report: ${path}\n`);
}
