import { parseExampleArgs } from './cli-args.js';
import { formatExample } from '../example-report.js';
import { formatLoss } from '../format.js';
import { ProgressBar } from './progress.js';
import { jsonLine, runExample } from '../run-example.js';
import { importUserModules } from './user-modules.js';

export async function main(argv: readonly string[]): Promise<void> {
  await importUserModules(argv);
  const options = parseExampleArgs(argv);
  // One line that redraws in place (a terminal only): a log line per epoch would bury the result.
  const bar = new ProgressBar(options.epochs, options.task, process.stderr, options.json ? false : undefined);
  const run = runExample(options, {
    onEpoch: (e) => bar.update(e.epoch, `epoch ${e.epoch}/${options.epochs}  loss ${formatLoss(e.trainLoss)}  test ${formatLoss(e.testLoss)}`),
    onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
  });
  bar.finish();
  process.stdout.write(options.json ? `${jsonLine(run)}\n` : `${formatExample(run)}\n`);
}

