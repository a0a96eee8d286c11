import { parseDemoArgs } from './cli-args.js';
import { formatExample } from '../example-report.js';
import { formatLoss } from '../format.js';
import { ProgressBar } from './progress.js';
import { buildDemoPage } from '../report/demo-page.js';
import { writePage } from '../report/write.js';
import { runExample } from '../run-example.js';
import { TASKS } from '../tasks.js';

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseDemoArgs(argv);
  const defaults = TASKS.moons.defaults;
  const options = { task: 'moons' as const, ...defaults, epochs: args.epochs ?? defaults.epochs, seed: args.seed ?? defaults.seed, json: false };
  // One line that redraws in place (a terminal only): a log line per epoch would bury the result.
  const bar = new ProgressBar(options.epochs, 'moons', process.stderr);
  const run = runExample(options, {
    onEpoch: (e) => bar.update(e.epoch, `epoch ${e.epoch}/${options.epochs}  loss ${formatLoss(e.trainLoss)}  test ${formatLoss(e.testLoss)}`),
    onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
  });
  bar.finish();
  process.stdout.write(`${formatExample(run)}\n`);
  const path = writePage(await buildDemoPage(run), 'demo.html', args.out);
  process.stdout.write(`\nDecision boundary and loss curve: ${path}\n`);
}

