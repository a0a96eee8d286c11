import { activationNames } from '@actgrad/autograd';
import { parseLabArgs } from './cli-args.js';
import { formatTable } from '../format.js';
import { labJson } from '../lab/aggregate.js';
import { DEEP_HIDDEN, runLab } from '../lab/run-lab.js';
import type { LabOptions } from '../lab/types.js';
import { ProgressBar } from './progress.js';
import { buildLabPage, summaryRows } from '../report/lab-page.js';
import { writePage } from '../report/write.js';
import { TASKS } from '../tasks.js';
import { importUserModules } from './user-modules.js';

export async function main(argv: readonly string[]): Promise<void> {
  await importUserModules(argv);
  const args = parseLabArgs(argv);
  const task = TASKS[args.task];
  const options: LabOptions = {
    task: args.task,
    hidden: args.hidden,
    output: args.output,
    seeds: args.seeds,
    seed: args.settings.seed,
    settings: args.settings,
    threshold: args.threshold ?? task.bar,
    deep: args.deep,
    deepHidden: DEEP_HIDDEN,
  };
  const total = options.hidden.length * options.seeds + (options.deep > 0 ? DEEP_HIDDEN.length * options.seeds : 0);
  const bar = new ProgressBar(total, 'lab', process.stderr, args.json ? false : undefined);
  const result = runLab(options, { onRun: (done, _total, label) => bar.update(done, label) });
  bar.finish();
  const html = await buildLabPage({ result, testPoints: result.testPoints, allActivations: activationNames() });
  const path = writePage(html, `lab-${args.task}.html`, args.out);
  if (args.json) {
    process.stdout.write(`${labJson(result, path)}\n`);
    return;
  }
  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`${formatTable(summaryRows(result))}\n\nReport: ${path}\n`);
}

