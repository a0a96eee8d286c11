import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What `tsup` writes for each package; all four must exist and be newer than the inputs. */
const OUTPUTS = ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts'];
const INPUTS = ['src', 'package.json', 'tsup.config.ts'];

/**
 * Builds each package whose dist is missing or older than its sources, so the packed-consumer test
 * packs what the sources say (CI builds first anyway; a local `pnpm test` may not have).
 */
export function ensureBuilt(root: string, packages: readonly string[]): void {
  for (const dir of packages) {
    const pkg = join(root, dir);
    const outputs = OUTPUTS.map((f) => join(pkg, f));
    const built = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : -Infinity;
    const changed = Math.max(...INPUTS.map((f) => newest(join(pkg, f))));
    if (built >= changed) continue;
    const r = spawnSync('npx', ['-y', 'pnpm@12.4.2', 'run', 'build'], { cwd: pkg, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ${dir} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

function newest(path: string): number {
  if (!existsSync(path)) return -Infinity;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}
