import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './argv.js';

/**
 * Loads the modules named by `--import PATH[,PATH…]` before the arguments are checked, so an
 * activation such a module registers is a valid `--hidden` or `--output` name.
 */
export async function importUserModules(argv: readonly string[]): Promise<void> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg === '--import' ? argv[i + 1] : arg.startsWith('--import=') ? arg.slice('--import='.length) : undefined;
    if (value === undefined) continue;
    for (const path of value.split(',').filter(Boolean)) {
      try {
        await import(pathToFileURL(resolve(path)).href);
      } catch (err) {
        throw new UsageError(`--import ${path}: cannot load it (${(err as Error).message.split('\n')[0]})`);
      }
    }
  }
}
