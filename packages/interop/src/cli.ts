#!/usr/bin/env node
import { exportCommand } from './export-command.js';

exportCommand(process.argv.slice(2)).then(
  (lines) => console.log(lines.join('\n')),
  (err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  },
);
