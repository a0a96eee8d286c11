import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** examples/out/, next to src/, whatever the working directory. */
export const DEFAULT_OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../out');

/** Writes the page to `out` (relative to the working directory) or to examples/out/<name>; returns the absolute path. */
export function writePage(html: string, name: string, out?: string): string {
  const path = out ? resolve(out) : resolve(DEFAULT_OUT_DIR, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
  return path;
}
