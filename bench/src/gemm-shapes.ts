import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getBackend, type MatrixOperand, type WasmBackend } from '@actgrad/tensor';
import { summarize } from './stats.js';

/*
 * The wasm gemm on W3's square products and on every product of a W2 step,
 * transposed operands as the step passes them (strided views, no copies), in
 * GFLOP/s on 1 and 2 threads: fresh processes alternating between the thread
 * counts, the median over processes of each one's best window. On a shared
 * machine the best window is the figure that measures the code; the load
 * average is printed beside it.
 *
 *   node --import tsx --conditions=source bench/src/gemm-shapes.ts [processes=5] [seconds per shape=0.6]
 */

interface Shape {
  name: string;
  m: number; n: number; k: number;
  /** A (m×k) or B (k×n) stored transposed. */
  ta?: boolean; tb?: boolean;
}

const SHAPES: Shape[] = [
  { name: 'W3 n=256', m: 256, n: 256, k: 256 },
  { name: 'W3 n=1024', m: 1024, n: 1024, k: 1024 },
  { name: 'W2 L1 forward 128×784·784×256', m: 128, n: 256, k: 784 },
  { name: 'W2 L1 dW [784×128]ᵀ·128×256', m: 784, n: 256, k: 128, ta: true },
  { name: 'W2 L2 forward 128×256·256×128', m: 128, n: 128, k: 256 },
  { name: 'W2 L2 dW [256×128]ᵀ·128×128', m: 256, n: 128, k: 128, ta: true },
  { name: 'W2 L2 dX 128×128·[128×256]ᵀ', m: 128, n: 256, k: 128, tb: true },
  { name: 'W2 L3 forward 128×128·128×10', m: 128, n: 10, k: 128 },
  { name: 'W2 L3 dX 128×10·[10×128]ᵀ', m: 128, n: 128, k: 10, tb: true },
  { name: 'W2 L3 dW [128×128]ᵀ·128×10', m: 128, n: 10, k: 128, ta: true },
];

const WINDOWS = 9;

/** One process: GFLOP/s of each shape's best window on the backend ACTGRAD_THREADS chose. */
async function measure(seconds: number): Promise<number[]> {
  const backend = getBackend() as WasmBackend;
  if (backend.name !== 'wasm') throw new Error(`gemm-shapes: expected the wasm backend, got ${backend.name}`);
  await backend.warmUp();
  const operand = (rows: number, cols: number, transposed: boolean): MatrixOperand => {
    const data = backend.alloc('float32', rows * cols) as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i);
    return transposed ? { data, offset: 0, rowStride: 1, colStride: rows } : { data, offset: 0, rowStride: cols, colStride: 1 };
  };
  return SHAPES.map(({ m, n, k, ta, tb }) => {
    const a = operand(m, k, ta ?? false), b = operand(k, n, tb ?? false);
    const c = { data: backend.alloc('float32', m * n) as Float32Array, offset: 0, rowStride: n };
    const run = (): void => backend.gemm(m, n, k, a, b, c, false);
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < 100 || calls < 3) (run(), calls++);
    const perWindow = Math.max(1, Math.round((calls / (performance.now() - start)) * ((seconds * 1000) / WINDOWS)));
    let best = Infinity;
    for (let w = 0; w < WINDOWS; w++) {
      const t0 = performance.now();
      for (let i = 0; i < perWindow; i++) run();
      best = Math.min(best, (performance.now() - t0) / perWindow);
    }
    return (2 * m * n * k) / best / 1e6;
  });
}

const PREFIX = 'gemm-shapes:';
if (process.env.GEMM_SHAPES_CHILD) {
  console.log(PREFIX + JSON.stringify(await measure(Number(process.argv[2]))));
} else {
  const processes = Number(process.argv[2] ?? 5), seconds = Number(process.argv[3] ?? 0.6);
  const threads = ['1', '2'];
  const results = new Map<string, number[][]>(threads.map((t) => [t, []]));
  const load = [loadavg()[0]!];
  for (let p = 0; p < processes; p++) {
    for (const t of p % 2 ? [...threads].reverse() : threads) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', fileURLToPath(import.meta.url), String(seconds)], {
        encoding: 'utf8',
        env: { ...process.env, GEMM_SHAPES_CHILD: '1', ACTGRAD_BACKEND: 'wasm', ACTGRAD_THREADS: t },
      });
      const line = run.stdout.split('\n').find((l) => l.startsWith(PREFIX));
      if (run.status !== 0 || !line) throw new Error(`gemm-shapes: a ${t}-thread process failed: ${run.stderr.trim().split('\n').pop()}`);
      results.get(t)!.push(JSON.parse(line.slice(PREFIX.length)) as number[]);
      load.push(loadavg()[0]!);
    }
  }
  const median = (t: string, i: number): string => summarize(results.get(t)!.map((r) => r[i]!)).median.toFixed(1);
  console.log(`| product | 1 thread | 2 threads | (GFLOP/s: median over ${processes} processes of the best of ${WINDOWS} windows)`);
  console.log('|---|---|---|');
  SHAPES.forEach((s, i) => console.log(`| ${s.name} | ${median('1', i)} | ${median('2', i)} |`));
  console.log(`\n1-minute load average during the run: ${Math.min(...load).toFixed(2)}–${Math.max(...load).toFixed(2)}`);
}
