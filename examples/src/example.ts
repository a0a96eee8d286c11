import { runCli } from './argv.js';
import { parseExampleArgs } from './cli-args.js';
import { formatExample } from './example-report.js';
import { jsonLine, runExample } from './run-example.js';

async function main(): Promise<void> {
  const options = parseExampleArgs(process.argv.slice(2));
  const run = runExample(options, {
    progress: !options.json,
    onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
  });
  process.stdout.write(options.json ? `${jsonLine(run)}\n` : `${formatExample(run)}\n`);
}

void runCli(main);
