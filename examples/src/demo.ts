import { runCli } from './argv.js';
import { parseDemoArgs } from './cli-args.js';
import { formatExample } from './example-report.js';
import { buildDemoPage } from './report/demo-page.js';
import { writePage } from './report/write.js';
import { runExample } from './run-example.js';
import { TASKS } from './tasks.js';

async function main(): Promise<void> {
  const args = parseDemoArgs(process.argv.slice(2));
  const defaults = TASKS.moons.defaults;
  const options = { task: 'moons' as const, ...defaults, epochs: args.epochs ?? defaults.epochs, seed: args.seed ?? defaults.seed, json: false };
  const run = runExample(options, {
    progress: true,
    onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
  });
  process.stdout.write(`${formatExample(run)}\n`);
  const path = writePage(await buildDemoPage(run), 'demo.html', args.out);
  process.stdout.write(`\nDecision boundary and loss curve: ${path}\n`);
}

void runCli(main);
