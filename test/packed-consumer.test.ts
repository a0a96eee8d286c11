import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './packed-consumer/build.js';

/*
 * Packs the workspace packages as `pnpm pack` would publish them, installs the tarballs with npm into
 * a fresh project outside the workspace and uses them there as a user would: plain ESM, require()
 * from CommonJS, and TypeScript with strict settings under NodeNext and bundler resolution. Nothing
 * here may skip: a pack, install or compile that fails fails the test.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Packages a user installs, in dependency order. A new publishable package adds its folder here. */
const PACKAGES = ['packages/tensor', 'packages/autograd', 'packages/nn'];
const PNPM = ['-y', 'pnpm@12.4.2'];
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const FIXTURES = join(ROOT, 'test/packed-consumer');
const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepare'];

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}
const manifests = PACKAGES.map((dir) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest);
const ours = new Set(manifests.map((m) => m.name));
/** Registry packages npm may fetch: the third-party dependencies the packages declare, nothing else. */
const registryDeps = new Set(manifests.flatMap((m) => Object.keys(m.dependencies ?? {})).filter((d) => !ours.has(d)));

// A clean environment: no pnpm/npm settings inherited from the test runner, no loaders.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm_|NODE_OPTIONS$|VITEST|TSX|PNPM_)/i.test(k)),
);

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.error ?? `exit ${r.status}`}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** The last stdout line of a consumer script, which reports its result as JSON. */
function runJson(args: string[], cwd: string): Record<string, unknown> {
  const lines = run(process.execPath, args, cwd).trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

const tarball = (m: Manifest) => `${m.name.replace(/^@/, '').replace('/', '-')}-${m.version}.tgz`;

let tmp = '';
let prepared: { project: string } | { error: unknown } | undefined;

/**
 * Builds if needed, packs, and installs the tarballs into a fresh project, once. Every test asks for
 * it, so a failure to pack or install fails each test with the reason instead of skipping them.
 */
function consumerProject(): string {
  prepared ??= (() => {
    try {
      return { project: prepare() };
    } catch (error) {
      return { error };
    }
  })();
  if ('error' in prepared) throw prepared.error;
  return prepared.project;
}

function prepare(): string {
  ensureBuilt(ROOT, PACKAGES);
  tmp = mkdtempSync(join(tmpdir(), 'actgrad-consumer-'));
  const packs = join(tmp, 'packs');
  mkdirSync(packs);
  PACKAGES.forEach((dir, i) => {
    run('npx', [...PNPM, 'pack', '--pack-destination', packs], join(ROOT, dir));
    const file = join(packs, tarball(manifests[i]!));
    if (!existsSync(file)) throw new Error(`pnpm pack in ${dir} wrote no ${file}`);
  });
  const dependencies = Object.fromEntries(manifests.map((m) => [m.name, `file:packs/${tarball(m)}`]));
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  cpSync(join(FIXTURES, 'esm.mjs'), join(tmp, 'esm.mjs'));
  cpSync(join(FIXTURES, 'cjs.cjs'), join(tmp, 'cjs.cjs'));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts'], tmp);
  return tmp;
}

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed packages in a project outside the workspace', () => {
  it('install from the tarballs plus their declared registry dependencies, with no install script and nothing native', () => {
    const project = consumerProject();
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string; hasInstallScript?: boolean; integrity?: string }>;
    };
    const installed = Object.entries(lock.packages).filter(([path]) => path !== '');
    const names = installed.map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(new Set(names)).toEqual(new Set([...ours, ...registryDeps]));
    for (const [path, entry] of installed) {
      const name = path.replace(/^.*node_modules\//, '');
      if (ours.has(name)) expect(entry.resolved, name).toMatch(/^file:packs\/.*\.tgz$/);
      else expect(entry.resolved ?? 'https://registry.npmjs.org/', name).toMatch(/^https:\/\/registry\.npmjs\.org\//);
      expect(entry.integrity, name).toMatch(/^sha512-/);
      expect(entry.hasInstallScript ?? false, `${name} has an install script`).toBe(false);
      const manifest = JSON.parse(readFileSync(join(project, path, 'package.json'), 'utf8')) as Manifest;
      for (const hook of LIFECYCLE) expect(manifest.scripts?.[hook], `${name} scripts.${hook}`).toBeUndefined();
      // pnpm pack must have rewritten workspace: ranges to the versions.
      for (const range of Object.values(manifest.dependencies ?? {})) expect(range).not.toMatch(/^workspace:/);
    }
    const native = walk(join(project, 'node_modules')).filter((f) => /\.node$|binding\.gyp$/.test(f));
    expect(native).toEqual([]);
  }, 180_000);

  it('plain ESM JavaScript trains two moons and splits a matmul across the worker threads', () => {
    const out = runJson(['esm.mjs'], consumerProject());
    expect(out.accuracy).toBeGreaterThan(0.95);
    expectSplit(out);
  });

  it('require() from CommonJS loads the .cjs builds, trains, and runs the worker pool', () => {
    const out = runJson(['cjs.cjs'], consumerProject());
    expect(out.resolved).toMatch(/node_modules[/\\]@actgrad[/\\]nn[/\\]dist[/\\]index\.cjs$/);
    expect(out.accuracy).toBeGreaterThan(0.95);
    expectSplit(out);
  });

  const strict = {
    target: 'ES2022',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    // Check the packages' .d.ts files but not TypeScript's own lib (seconds of CPU, nothing to learn).
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    outDir: 'out',
    types: [],
  };
  const setups = [
    { dir: 'ts-nodenext-esm', type: 'module', options: { module: 'NodeNext', moduleResolution: 'NodeNext' }, emits: 'import' },
    { dir: 'ts-nodenext-cjs', type: 'commonjs', options: { module: 'NodeNext', moduleResolution: 'NodeNext' }, emits: 'require' },
    { dir: 'ts-bundler', type: 'module', options: { module: 'ESNext', moduleResolution: 'Bundler' }, emits: 'import' },
  ] as const;
  for (const setup of setups) {
    it(`TypeScript (${setup.options.module}, moduleResolution ${setup.options.moduleResolution}, ${setup.type}) type-checks strictly, compiles and trains XOR`, () => {
      const dir = join(consumerProject(), setup.dir);
      mkdirSync(dir, { recursive: true });
      cpSync(join(FIXTURES, 'main.ts'), join(dir, 'main.ts'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: setup.type }));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, ...setup.options }, files: ['main.ts'] }));
      run(process.execPath, [TSC, '-p', dir], dir);
      const js = readFileSync(join(dir, 'out/main.js'), 'utf8');
      expect(js).toContain(setup.emits === 'require' ? 'require("@actgrad/nn")' : "from '@actgrad/nn'");
      const out = runJson(['out/main.js'], dir);
      expect(out.accuracy).toBeGreaterThan(0.9);
      expect(out.shape).toEqual([400, 1]);
      expect(out.epochs).toBe(60);
    });
  }
});

it('the API reference (typedoc.json) covers the same packages as this test packs', () => {
  const typedoc = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
  expect(typedoc.entryPoints).toEqual(PACKAGES);
});

describe("the README's 'Use actgrad in your project' section", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use actgrad in your project');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

  it('installs exactly the tarballs the packages pack to', () => {
    expect(start).toBeGreaterThan(0);
    const install = section.split('\n').find((line) => line.startsWith('npm install ../actgrad/packs/'));
    expect(install?.split(' ').slice(2).map((f) => f.replace('../actgrad/packs/', ''))).toEqual(manifests.map(tarball));
  });

  it('has a quick.mjs that runs as written against the installed tarballs', () => {
    const script = /cat > quick\.mjs <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(section)?.[1];
    expect(script, 'no quick.mjs heredoc in the section').toBeDefined();
    const project = consumerProject();
    writeFileSync(join(project, 'quick.mjs'), script!);
    const printed = run(process.execPath, ['quick.mjs'], project);
    const accuracy = Number(/accuracy: ([\d.]+)/.exec(printed)?.[1]);
    expect(accuracy).toBeGreaterThan(0.95);
  });
});

function expectSplit(out: Record<string, unknown>): void {
  expect(out.backend).toBe('wasm');
  const split = out.split as { threads: number; splitCalls: number; workerFailures: number; maxDiff: number };
  expect(split.threads).toBe(2);
  expect(split.splitCalls).toBe(1);
  expect(split.workerFailures).toBe(0);
  expect(split.maxDiff).toBeLessThan(1e-3);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
