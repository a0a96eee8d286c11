import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resultPrefix, type Measurement } from './peers/types.js';
import { formatRatio, formatValue, type ResultRow, type Results } from './report.js';
import { workloads } from './spec.js';
import { summarize, type Summary } from './stats.js';

/*
 * The machine's own ceiling and the bars that are relative to it: the
 * WebAssembly SIMD peak of peak.ts (fresh processes, like every figure), every
 * W3 figure and W2's effective GFLOP/s as a share of it, and actgrad against
 * PyTorch at the same thread count.
 */

export interface PeakRow extends Summary {
  case: string;
}

/**
 * Runs `repetitions` fresh peak.ts processes; one row per loop and thread count. `native`: the
 * native addon's loop to measure as well (its instruction set and file).
 */
export function measurePeak(root: string, repetitions: number, threads: number, seconds: number,
  log: (line: string) => void, native?: { isa: string; file: string }): { rows: PeakRow[]; error?: string } {
  const values = new Map<string, number[]>();
  for (let r = 0; r < repetitions; r++) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'src', 'peak.ts'), JSON.stringify({ threads, seconds, native })],
      { cwd: root, encoding: 'utf8' });
    const line = run.stdout.split('\n').find((l) => l.startsWith(resultPrefix));
    if (run.status !== 0 || !line) return { rows: [], error: run.stderr.trim().split('\n').pop() || `exited with ${run.status}` };
    const measurements = (JSON.parse(line.slice(resultPrefix.length)) as { measurements: Measurement[] }).measurements;
    for (const m of measurements) values.set(m.case, [...(values.get(m.case) ?? []), m.value]);
    log(`peak #${r + 1}/${repetitions}: ${measurements.map((m) => `${m.case} ${m.value.toFixed(1)}`).join(', ')} GFLOP/s`);
  }
  return { rows: [...values.entries()].map(([c, v]) => ({ case: c, ...summarize(v) })) };
}

/** Multiply-adds ×2 of one W2 step: forward, weight gradients, and input gradients past the first layer. */
export function w2FlopsPerStep(): number {
  const sizes = workloads.w2.model.sizes;
  const batch = workloads.w2.batchSize;
  let forward = 0, inputGrads = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    forward += sizes[l]! * sizes[l + 1]!;
    if (l > 0) inputGrads += sizes[l]! * sizes[l + 1]!;
  }
  return 2 * batch * (2 * forward + inputGrads);
}

const threadsOf = (c: string) => Number(/(\d+) thread/.exec(c)?.[1] ?? 1);

const loopOf = (c: string) => c.split(',')[0]!;
const isNativeLoop = (loop: string) => loop.startsWith('native');

/**
 * The peak at `threads` threads of a backend's loops: for wasm the faster of the two WebAssembly
 * loops (the FMA gemm runs where relaxed SIMD does), for native the native addon's.
 */
function peakAt(peak: readonly PeakRow[], threads: number, native: boolean): { value: number; loop: string } | undefined {
  const rows = peak.filter((r) => threadsOf(r.case) === threads && isNativeLoop(loopOf(r.case)) === native);
  if (!rows.length) return undefined;
  const best = rows.reduce((a, b) => (b.median > a.median ? b : a));
  return { value: best.median, loop: loopOf(best.case) };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '—');
/** The issue's bars: "met" or "missed" beside the figure they judge. */
const bar = (value: number, at: number, text: string) => (Number.isFinite(value) ? `${value >= at ? 'met' : 'missed'} (${text})` : '');
const cell = (v: number | undefined, metric: string) => (v === undefined ? '—' : formatValue(metric, v));
const table = (header: string[], body: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** The ceiling table, and actgrad against it and against PyTorch at the same thread count. */
export function ceilingSection(results: Results & { peak?: PeakRow[] }): string {
  const peak = results.peak ?? [];
  const rows = results.rows;
  const find = (w: string, runner: string, c: string, metric: string): ResultRow | undefined =>
    rows.find((r) => r.workload === w && r.runner === runner && r.case === c && r.metric === metric);
  const lines = ['### Against the machine: WebAssembly SIMD peak (and the native one), and PyTorch at the same thread count', ''];
  if (peak.length) {
    const counts = [...new Set(peak.map((r) => threadsOf(r.case)))].sort((a, b) => a - b);
    const loops = [...new Set(peak.map((r) => loopOf(r.case)))];
    lines.push(
      'Register-only loops of 12 independent vector chains, GFLOP/s, best window per process, median (min–max) over processes: f32x4 in WebAssembly (bench/src/peak-module.ts), and for @actgrad/native the widest vectors of its instruction set in C (packages/native/csrc/gemm-kernel.c, `peak`):',
      '',
      table(['loop', ...counts.map((t) => `${t} thread${t > 1 ? 's' : ''}`)], loops.map((loop) => [
        loop === 'fma' ? 'FMA (f32x4.relaxed_madd)' : isNativeLoop(loop) ? `${loop} (C vector multiply-add)` : 'mul + add (f32x4.mul, f32x4.add)',
        ...counts.map((t) => {
          const r = peak.find((p) => p.case === `${loop}, ${t} thread${t > 1 ? 's' : ''}`);
          return r ? `${formatValue('gflops', r.median)} (${formatValue('gflops', r.min)}–${formatValue('gflops', r.max)})` : '—';
        }),
      ])),
      '',
    );
  }
  const multi = Math.max(2, ...peak.map((r) => threadsOf(r.case)));
  // The wasm backend's rows keep their plain names; the native backend's say "native".
  const configs = [
    { threads: 1, ours: 'actgrad-wasm-1t', torch: 'torch-1t', native: false },
    { threads: multi, ours: 'actgrad-wasm', torch: `torch-${multi}t`, native: false },
    { threads: 1, ours: 'actgrad-native-1t', torch: 'torch-1t', native: true },
    { threads: multi, ours: 'actgrad-native', torch: `torch-${multi}t`, native: true },
  ];
  const body: string[][] = [];
  const stepFlops = w2FlopsPerStep();
  for (const { threads, ours, torch, native } of configs) {
    if (native && !rows.some((r) => r.runner === ours)) continue;
    const p = peakAt(peak, threads, native);
    const tag = `${native ? 'native, ' : ''}${threads} thread${threads > 1 ? 's' : ''}`;
    const w2 = find('w2', ours, '', 'steps_per_s');
    const w2t = find('w2', torch, '', 'steps_per_s');
    if (w2 || w2t) {
      const g = w2 ? (w2.median * stepFlops) / 1e9 : undefined;
      body.push([`W2 steps/s, ${tag}`, w2 ? `${cell(w2.median, 'steps_per_s')} (${cell(g, 'gflops')} GFLOP/s)` : '—',
        g !== undefined && p ? pct(g / p.value) : '—',
        w2t ? `${cell(w2t.median, 'steps_per_s')} (${cell((w2t.median * stepFlops) / 1e9, 'gflops')} GFLOP/s)` : '—',
        w2 && w2t ? formatRatio(w2.median / w2t.median) : '—',
        w2 && w2t ? bar(w2.median / w2t.median, 1, '≥ 1.0× PyTorch') : '']);
      // Where PyTorch's BLAS has wider vectors than WebAssembly's 128 bits (AVX-512 runs four
      // times the lanes), PyTorch can train faster than every W2 flop at this machine's wasm
      // peak would: then the W2 bar cannot be met by any kernel here, and the table says so.
      if (p && w2t) {
        const ceiling = (p.value * 1e9) / stepFlops;
        body.push([`W2 steps/s with every flop at the peak, ${tag}`, cell(ceiling, 'steps_per_s'), '100%',
          cell(w2t.median, 'steps_per_s'), formatRatio(ceiling / w2t.median),
          ceiling < w2t.median ? `out of reach here: PyTorch trains faster than the ${native ? 'native' : 'WebAssembly SIMD'} peak allows` : '']);
      }
      // PyTorch's 2-thread W2 can run slower than its 1-thread one (OpenMP on a busy machine): say so.
      const w2t1 = find('w2', 'torch-1t', '', 'steps_per_s');
      if (threads > 1 && w2 && w2t && w2t1 && w2t1.median > w2t.median) {
        body.push([`W2 steps/s, ${tag}, against PyTorch's faster setting (1 thread)`, cell(w2.median, 'steps_per_s'), '',
          cell(w2t1.median, 'steps_per_s'), formatRatio(w2.median / w2t1.median), bar(w2.median / w2t1.median, 1, '≥ 1.0× PyTorch')]);
      }
    }
    const sizes = [...new Set(rows.filter((r) => r.workload === 'w3').map((r) => r.case))];
    for (const c of sizes) {
      const a = find('w3', ours, c, 'gflops');
      const t = find('w3', torch, c, 'gflops');
      if (!a && !t) continue;
      // The share measured beside the peak in the same process (paired.ts) where there is one;
      // otherwise the figure over the peak of the separate peak processes.
      const paired = find('w3', ours, c, 'peak_share');
      const share = paired ? paired.median : a && p ? a.median / p.value : Number.NaN;
      const shareCell = paired ? `${pct(paired.median)} (${pct(paired.min)}–${pct(paired.max)})${a && p ? `; ${pct(a.median / p.value)} of the peak table's` : ''}` : pct(share);
      body.push([`W3 ${c} GFLOP/s, ${tag}`, cell(a?.median, 'gflops'), shareCell,
        cell(t?.median, 'gflops'), a && t ? formatRatio(a.median / t.median) : '—',
        c === 'n=256' || c === 'n=1024' ? bar(share, 0.8, '≥ 80% of peak') : '']);
    }
  }
  const w1 = find('w1', results.reference, '', 'steps_per_s');
  const w1t = find('w1', 'torch-1t', '', 'steps_per_s');
  if (w1 && w1t) {
    body.push(['W1 steps/s (actgrad default, PyTorch 1 thread)', cell(w1.median, 'steps_per_s'), '', cell(w1t.median, 'steps_per_s'),
      formatRatio(w1.median / w1t.median), bar(w1.median / w1t.median, 3, '≥ 3× PyTorch')]);
  }
  if (body.length) {
    lines.push(
      `W2 counts ${(stepFlops / 1e6).toFixed(1)} MFLOP a step (forward, weight gradients, input gradients past the first layer). % of peak: of the faster WebAssembly loop at that thread count (for native rows, of the native loop). For W3, measured in each actgrad process with windows of the product alternating with windows of the loop on as many threads (bench/src/paired.ts): the median over processes (min–max) of each process's median ratio of neighbouring windows; beside it, the W3 figure over the peak table's, measured minutes apart. Bars: W3 n = 256 and 1024 ≥ 80% of peak; W2 ≥ 1.0× PyTorch at the same thread count; W1 ≥ 3× PyTorch.`,
      '',
      table(['figure', 'actgrad', '% of peak', 'PyTorch', 'actgrad ÷ PyTorch', 'bar'], body),
      '',
      'On a machine shared with other work every figure drops, the peak (a best window) least: read the bars from a quiet run.',
    );
  }
  return lines.join('\n');
}
