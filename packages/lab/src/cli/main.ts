#!/usr/bin/env node
import { listNames, runCli, UsageError } from './argv.js';

/** `actgrad <command> [options]`: each command's module is loaded only when it runs. */
const COMMANDS = {
  demo: { help: 'train two-moons, print the result and write an HTML page', load: () => import('./demo.js') },
  example: { help: 'train one task with your activations and print a result table', load: () => import('./example.js') },
  lab: { help: 'sweep activations × seeds, print mean ± std and write an HTML report', load: () => import('./lab.js') },
} as const;

type Command = keyof typeof COMMANDS;

export const mainHelp = `Usage: actgrad <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}  ${c.help}`).join('\n')}

Run actgrad <command> --help for its options.`;

export async function dispatch(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp}\n`);
    return;
  }
  if (!(name in COMMANDS)) throw new UsageError(`unknown command "${name}"; valid commands are ${listNames(Object.keys(COMMANDS))}`);
  const module = await COMMANDS[name as Command].load();
  await module.main(rest);
}

void runCli(() => dispatch(process.argv.slice(2)));
