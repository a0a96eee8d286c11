import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Pages go to ./actgrad-out/ in the working directory (the user's project), unless `--out` says otherwise. */
export const DEFAULT_OUT_DIR = 'actgrad-out';

/** Writes the page to `out` or to actgrad-out/<name> (both relative to the working directory); returns the absolute path. */
export function writePage(html: string, name: string, out?: string): string {
  const path = out ? resolve(out) : resolve(DEFAULT_OUT_DIR, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
  return path;
}
