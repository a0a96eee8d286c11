// M elements/s of the elementwise kernels that go through e^x and log x, and of maximum,
// minimum and clamp, on the js and wasm backends over contiguous float32 runs. Each backend runs
// in its own fresh processes, alternating; the table gives the median (min–max) over them.
//
//   npx tsx --conditions=source packages/tensor/asm/measure-elementwise.ts [--reps 5] [--n 65536]
import { fileURLToPath } from 'node:url';
import { jsBackend } from '../src/backend/js.js';
import { jsKernels } from '../src/backend/js-elementwise.js';
import type { ElementwiseKernels } from '../src/backend/types.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { flag, median, runChildren } from './measure-runner.js';

type Config = 'js' | 'wasm';
const CONFIGS: Config[] = ['js', 'wasm'];
const OPS = ['exp', 'log', 'expm1', 'log1p', 'sigmoid', 'tanh', 'pow', 'pow scalar', 'maximum', 'minimum',
  'maximum scalar', 'clamp', 'expSum row', 'expSum fold'] as const;
type Op = (typeof OPS)[number];



/** Median M elements/s of `run` (n elements per call) over windows of about 50 ms. */
function rate(n: number, run: () => void): number {
  for (let i = 0; i < 3; i++) run();
  const rates: number[] = [];
  for (let w = 0; w < 5; w++) {
    let calls = 0;
    const t0 = performance.now();
    let t = t0;
    while (calls < 2 || t - t0 < 50) {
      run();
      calls++;
      t = performance.now();
    }
    rates.push((n * calls) / ((t - t0) * 1e3));
  }
  return median(rates);
}

function child(config: Config, n: number): Record<Op, number> {
  const backend = config === 'js' ? jsBackend : createWasmBackend(jsBackend, { threads: 1 });
  const k = { ...jsKernels, ...backend.kernels } as ElementwiseKernels;
  const f32 = (f: (i: number) => number): Float32Array => {
    const x = backend.alloc('float32', n) as Float32Array;
    for (let i = 0; i < n; i++) x[i] = f(i);
    return x;
  };
  // A full-period LCG in 32-bit integer arithmetic: the branchy js loops (maximum, clamp) would
  // look faster on data with a short period, whose branches the predictor learns.
  let s = 12345;
  const random = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const wide = f32(() => random() * 20 - 10), positive = f32(() => random() * 100 + 1e-3);
  const base = f32(() => random() * 4 + 1e-3), exponent = f32(() => random() * 6 - 3);
  const other = f32(() => random() * 20 - 10), shift = f32(() => 10);
  const out = f32(() => 0), acc = f32(() => 0), total = new Float32Array(1);
  const unary = (op: 'exp' | 'log' | 'expm1' | 'log1p' | 'sigmoid' | 'tanh', x: Float32Array) =>
    rate(n, () => k.unary(op, n, x, 0, 1, out, 0, 1));
  const result: Record<Op, number> = {
    exp: unary('exp', wide),
    log: unary('log', positive),
    expm1: unary('expm1', wide),
    log1p: unary('log1p', positive),
    sigmoid: unary('sigmoid', wide),
    tanh: unary('tanh', wide),
    pow: rate(n, () => k.binary('pow', n, base, 0, 1, exponent, 0, 1, out, 0, 1)),
    'pow scalar': rate(n, () => k.binaryScalar('pow', n, base, 0, 1, 1.5, false, out, 0, 1)),
    maximum: rate(n, () => k.binary('maximum', n, wide, 0, 1, other, 0, 1, out, 0, 1)),
    minimum: rate(n, () => k.binary('minimum', n, wide, 0, 1, other, 0, 1, out, 0, 1)),
    'maximum scalar': rate(n, () => k.binaryScalar('maximum', n, wide, 0, 1, 0, false, out, 0, 1)),
    clamp: rate(n, () => k.clamp(n, wide, 0, 1, -0.5, 0.5, out, 0, 1)),
    // One row folded into one sum (softmax over the last axis), and an elementwise fold (over a leading axis).
    'expSum row': rate(n, () => k.expSum(n, wide, 0, 1, shift, 0, total, 0, 0)),
    'expSum fold': rate(n, () => k.expSum(n, wide, 0, 1, shift, 0, acc, 0, 1)),
  };
  if ('close' in backend) void (backend as { close(): Promise<void> }).close();
  return result;
}

function main(): void {
  const n = Number(flag('--n', '65536'));
  const childConfig = flag('--child', '');
  if (childConfig) {
    console.log(JSON.stringify(child(childConfig as Config, n)));
    return;
  }
  const reps = Number(flag('--reps', '5'));
  const results = runChildren<Config, Record<Op, number>>(fileURLToPath(import.meta.url), CONFIGS, reps, ['--n', String(n)]);
  const cell = (xs: number[]) => (xs.length ? `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})` : '–');
  console.log(`M elements/s over contiguous float32 runs of ${n}, median (min–max) over ${reps} fresh processes per backend.\n`);
  console.log(`| op | ${CONFIGS.join(' | ')} | wasm ÷ js |\n|---|${CONFIGS.map(() => '---|').join('')}---|`);
  for (const op of OPS) {
    const of = (c: Config) => results.get(c)!.map((r) => r[op]).filter((x) => x !== undefined);
    const ratio = of('js').length && of('wasm').length ? `${(median(of('wasm')) / median(of('js'))).toFixed(1)}×` : '–';
    console.log(`| ${op} | ${CONFIGS.map((c) => cell(of(c))).join(' | ')} | ${ratio} |`);
  }
}

main();
