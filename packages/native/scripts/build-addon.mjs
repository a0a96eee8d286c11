#!/usr/bin/env node
// Builds the native addon, build/actgrad_native.node, with the system's C compiler ($CC or cc)
// against the headers of the Node that runs this script. No node-gyp, nothing downloaded.
//
//   node scripts/build-addon.mjs             build (always)
//   --if-stale                               only when the addon is missing or older than csrc/
//   --optional                               on failure, warn and exit 0 (the install script:
//                                            @actgrad/native then says why when imported)
//
// csrc/gemm-kernel.c and csrc/adam.c are compiled once per instruction set, under its own name
// prefix: AVX-512 (16-float vectors, 8-row tiles), AVX2 with FMA (8-float vectors, 6 rows) and
// the target's baseline (4-float vectors, 4 rows); addon.c picks the fastest the CPU runs when
// it is loaded.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'csrc');
const out = join(root, 'build');
const addon = join(out, 'actgrad_native.node');
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--if-stale', '--optional'].includes(a)) {
    console.error(`build-addon: unknown option ${a} (known: --if-stale, --optional)`);
    process.exit(2);
  }
}

function stale() {
  if (!existsSync(addon)) return true;
  const built = statSync(addon).mtimeMs;
  return readdirSync(src).some((f) => statSync(join(src, f)).mtimeMs > built);
}

function nodeHeaders() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    resolve(dirname(process.execPath), '..', 'include', 'node'),
  ].filter(Boolean);
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
  if (!found) throw new Error(`Node's headers (node_api.h) are not in ${candidates.join(' or ')}; set npm_config_nodedir to a Node source or headers folder`);
  return found;
}

function build() {
  const cc = process.env.CC || 'cc';
  const include = nodeHeaders();
  const objs = join(out, 'obj');
  mkdirSync(objs, { recursive: true });
  const common = ['-O3', '-fPIC', '-std=gnu11', '-Wall', '-Wextra', '-Wno-unused-parameter', '-fvisibility=hidden'];
  const x64 = process.arch === 'x64';
  const variants = [
    ...(x64 ? [['avx512', 16, 8, ['-mavx512f', '-mfma']], ['avx2', 8, 6, ['-mavx2', '-mfma']]] : []),
    ['generic', 4, 4, []],
  ];
  const files = [];
  for (const [name, vl, mr, flags] of variants) {
    const o = join(objs, `gemm-${name}.o`);
    execFileSync(cc, [...common, ...flags, `-DPREFIX=${name}`, `-DVL=${vl}`, `-DMR=${mr}`, '-c', join(src, 'gemm-kernel.c'), '-o', o], { stdio: 'inherit' });
    // Adam rounds every operation as the reference does: no contraction into FMA; sqrtf without errno vectorises.
    const adam = join(objs, `adam-${name}.o`);
    execFileSync(cc, [...common, ...flags, '-ffp-contract=off', '-fno-math-errno', `-DPREFIX=${name}`, '-c', join(src, 'adam.c'), '-o', adam], { stdio: 'inherit' });
    files.push(o, adam);
  }
  const glue = join(objs, 'addon.o');
  execFileSync(cc, [...common, `-I${include}`, '-c', join(src, 'addon.c'), '-o', glue], { stdio: 'inherit' });
  files.push(glue);
  // N-API symbols resolve against the node binary at load time.
  const link = process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared'];
  const tmp = `${addon}.${process.pid}.tmp`;
  execFileSync(cc, [...link, '-o', tmp, ...files], { stdio: 'inherit' });
  renameSync(tmp, addon);
  rmSync(objs, { recursive: true, force: true });
}

if (args.has('--if-stale') && !stale()) process.exit(0);
try {
  build();
  console.log(`build-addon: built ${addon}`);
} catch (err) {
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  if (!args.has('--optional')) {
    console.error(`build-addon: ${why}`);
    process.exit(1);
  }
  console.warn(`@actgrad/native: the native addon was not built (${why}); importing @actgrad/native will fail until it is (npm rebuild @actgrad/native). Everything else runs on the WebAssembly backend.`);
}
