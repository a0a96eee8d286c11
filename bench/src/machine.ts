import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  python?: string;
}

export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

const require = createRequire(import.meta.url);

/** Installed version of a package the bench resolves (bench's own node_modules). */
function installedVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Versions of actgrad's packages (with the commit they were measured at) and of the JS peers. */
export function packageVersions(root: string): Record<string, string> {
  const versions: Record<string, string> = {};
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: root, encoding: 'utf8' }).trim();
    if (dirty) commit += '+dirty';
  } catch {
    commit = 'unknown';
  }
  for (const name of ['tensor', 'autograd', 'nn']) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { version: string };
    versions[`@actgrad/${name}`] = `${pkg.version} (${commit})`;
  }
  for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'benny']) {
    const version = installedVersion(name);
    if (version) versions[name] = version;
  }
  return versions;
}
