import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'package.json', 'tsup.config.ts'];

/**
 * Builds each package whose dist is missing or older than its sources, so the packed-consumer test
 * packs what the sources say (CI builds first anyway; a local `pnpm test` may not have).
 */
export function ensureBuilt(root: string, packages: readonly string[]): void {
  for (const dir of packages) {
    const pkg = join(root, dir);
    const outputs = outputsOf(pkg).map((f) => join(pkg, f));
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

/**
 * What `tsup` writes for a package: every dist file its exports, imports and bins name (ESM-only
 * packages have no .cjs); all must exist and be newer than the inputs.
 */
function outputsOf(pkg: string): string[] {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
    exports?: unknown;
    imports?: unknown;
    bin?: Record<string, string>;
  };
  const files = new Set<string>(Object.values(manifest.bin ?? {}));
  const visit = (node: unknown, condition: string): void => {
    if (typeof node === 'string') {
      if (condition !== 'source' && node.startsWith('./dist/')) files.add(node);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) visit(value, key);
    }
  };
  visit(manifest.exports, '');
  visit(manifest.imports, ''); // subpath imports (#name) a build also writes
  if (files.size === 0) throw new Error(`${pkg}/package.json names no dist file in exports, imports or bin`);
  return [...files].map((f) => f.replace(/^\.\//, ''));
}
