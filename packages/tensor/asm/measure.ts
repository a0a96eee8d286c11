// GFLOP/s of square float32 matmuls on the wasm backend (1 and 2 threads; its
// default gemm, FMA where relaxed SIMD runs, and `simd-*`: the plain SIMD one), the
// js backend and, when bench/ has it installed, TF.js's wasm backend; each
// configuration runs in its own fresh processes, alternating, and the table
// gives the median (min–max) over them.
//
//   npx tsx --conditions=source packages/tensor/asm/measure.ts [--reps 5] [--sizes 64,256,1024] [--configs wasm-1t,simd-1t]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { jsBackend } from '../src/backend/js.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { flag, median, runChildren } from './measure-runner.js';

type Config = 'wasm-1t' | 'wasm-2t' | 'simd-1t' | 'simd-2t' | 'js' | 'tfjs-wasm';
const ALL_CONFIGS: Config[] = ['wasm-1t', 'simd-1t', 'wasm-2t', 'simd-2t', 'tfjs-wasm', 'js'];
const CONFIGS = flag('--configs', ALL_CONFIGS.join(',')).split(',') as Config[];


/**
 * Median GFLOP/s of `run` (one n×n×n product) over windows of about 0.1 s, by
 * wall clock and per second of CPU time. On a machine shared with other work the
 * CPU-time figure of a single-threaded run estimates its speed on an idle core.
 */
function gflops(n: number, run: () => void): { wall: number; cpu: number } {
  for (let i = 0; i < 3; i++) run();
  const wall: number[] = [], cpu: number[] = [];
  for (let w = 0; w < 7; w++) {
    let calls = 0;
    const t0 = performance.now(), c0 = process.cpuUsage();
    let t = t0;
    while (calls < 2 || t - t0 < 100) {
      run();
      calls++;
      t = performance.now();
    }
    const used = process.cpuUsage(c0);
    wall.push((2 * n ** 3 * calls) / ((t - t0) / 1000) / 1e9);
    cpu.push((2 * n ** 3 * calls) / ((used.user + used.system) / 1e6) / 1e9);
  }
  return { wall: median(wall), cpu: median(cpu) };
}


function fill(x: Float32Array, seed: number): Float32Array {
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

type Rates = Record<number, { wall: number; cpu: number }>;

async function child(config: Config, sizes: number[]): Promise<Rates> {
  const out: Rates = {};
  if (config === 'tfjs-wasm') {
    const require = createRequire(fileURLToPath(new URL('../../../bench/package.json', import.meta.url)));
    const tf = require('@tensorflow/tfjs');
    require('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend failed to start');
    for (const n of sizes) {
      const a = tf.tensor2d(fill(new Float32Array(n * n), 1), [n, n]);
      const b = tf.tensor2d(fill(new Float32Array(n * n), 2), [n, n]);
      // As bench/ times it: the wasm backend computes eagerly, so disposing the result is enough.
      out[n] = gflops(n, () => tf.matMul(a, b).dispose());
    }
    return out;
  }
  const backend = config === 'js' ? jsBackend : createWasmBackend(jsBackend, {
    threads: config.endsWith('-2t') ? 2 : 1,
    relaxedSimd: config.startsWith('simd') ? false : 'auto',
  });
  if ('gemmVariant' in backend) process.stderr.write(`${config}: ${backend.gemmVariant.fma ? 'FMA' : 'plain SIMD'} gemm (${backend.gemmVariant.reason})\n`);
  if ('warmUp' in backend) await backend.warmUp();
  for (const n of sizes) {
    if (config === 'js' && n > 256) continue;
    const a = fill(backend.alloc('float32', n * n) as Float32Array, 1);
    const b = fill(backend.alloc('float32', n * n) as Float32Array, 2);
    const c = backend.alloc('float32', n * n);
    const A = { data: a, offset: 0, rowStride: n, colStride: 1 };
    const B = { data: b, offset: 0, rowStride: n, colStride: 1 };
    const C = { data: c, offset: 0, rowStride: n };
    out[n] = gflops(n, () => backend.gemm(n, n, n, A, B, C, false));
  }
  if ('close' in backend) await backend.close();
  return out;
}

async function main(): Promise<void> {
  const sizes = flag('--sizes', '64,256,1024').split(',').map(Number);
  const childConfig = flag('--child', '');
  if (childConfig) {
    console.log(JSON.stringify(await child(childConfig as Config, sizes)));
    return;
  }
  const reps = Number(flag('--reps', '5'));
  const results = runChildren<Config, Rates>(fileURLToPath(import.meta.url), CONFIGS, reps, ['--sizes', sizes.join(',')]);
  const cell = (xs: number[]) => (xs.length ? `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})` : '–');
  const rates = (c: Config, n: number, kind: 'wall' | 'cpu') =>
    (results.get(c) ?? []).map((r) => r[n]?.[kind]).filter((x): x is number => x !== undefined);
  console.log(`GFLOP/s of square float32 matmuls, median (min–max) over ${reps} fresh processes per configuration.`);
  console.log(`\nWall clock:\n\n| n | ${CONFIGS.join(' | ')} | wasm-1t ÷ tfjs-wasm | wasm-2t ÷ tfjs-wasm |`);
  console.log(`|---|${CONFIGS.map(() => '---|').join('')}---|---|`);
  for (const n of sizes) {
    const ratio = (c: Config) => {
      const x = rates(c, n, 'wall'), tf = rates('tfjs-wasm', n, 'wall');
      return x.length && tf.length ? `${(median(x) / median(tf)).toFixed(2)}×` : '–';
    };
    console.log(`| ${n} | ${CONFIGS.map((c) => cell(rates(c, n, 'wall'))).join(' | ')} | ${ratio('wasm-1t')} | ${ratio('wasm-2t')} |`);
  }
  const single = CONFIGS.filter((c) => !c.endsWith('-2t'));
  console.log(`\nPer second of CPU time (single-threaded configurations):\n\n| n | ${single.join(' | ')} |\n|---|${single.map(() => '---|').join('')}`);
  for (const n of sizes) console.log(`| ${n} | ${single.map((c) => cell(rates(c, n, 'cpu'))).join(' | ')} |`);
}

await main();
