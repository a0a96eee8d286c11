import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend, type Backend, type MatrixOperand } from '@actgrad/tensor';
import { w2Data } from './data.js';
import { createActgradPeer } from './peers/actgrad.js';
import { settingsFor } from './spec.js';
import { median } from './stats.js';

/*
 * Where a W2 step's time goes on the wasm backend (or, with --backend native, on
 * @actgrad/native's): every call into the backend
 * (gemm by shape and transposed operand, each elementwise kernel, each named
 * kernel such as an activation's or Adam's) is timed; what is left of the step is graph building, autograd and
 * dispatch in JavaScript. One fresh process per thread count, steps taken as
 * bench/ takes them (a Trainer step on a row slice of the data set).
 *
 *   node --conditions=source --import tsx bench/src/profile-w2.ts [--backend wasm|native] [--threads 1,2] [--steps 300] [--out bench/results/w2-profile.md]
 */

type Fn = (...args: unknown[]) => unknown;
const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};

interface Bucket { ms: number; calls: number }
interface ChildResult { threads: number; steps: number; stepMs: number; buckets: Record<string, Bucket>; variant: string }

const isT = (o: MatrixOperand) => o.rowStride === 1 && o.colStride !== 1;

/** Names a gemm call by its shape and which operand is transposed (the backward pass's Aᵀ·B and A·Bᵀ). */
function gemmLabel(args: unknown[]): string {
  const [m, n, k, a, b] = args as [number, number, number, MatrixOperand, MatrixOperand];
  return `gemm ${m}×${k}${isT(a) ? 'ᵀ' : ''} · ${k}×${n}${isT(b) ? 'ᵀ' : ''}`;
}

/** Every function of the backend (and of each object of functions on it, such as `kernels`) timed into `buckets`. */
function instrument(backend: Backend, buckets: Map<string, Bucket>): Backend {
  const timed = (name: string, fn: Fn, label?: (args: unknown[]) => string): Fn => (...args) => {
    const t0 = performance.now();
    const out = fn(...args);
    const key = label ? label(args) : typeof args[0] === 'string' ? `${name} ${args[0]}` : name;
    const b = buckets.get(key) ?? { ms: 0, calls: 0 };
    b.ms += performance.now() - t0;
    b.calls++;
    buckets.set(key, b);
    return out;
  };
  const skip = new Set(['alloc', 'warmUp', 'close']);
  const wrapped: Record<string, unknown> = { ...backend };
  for (const [key, value] of Object.entries(backend)) {
    if (typeof value === 'function' && !skip.has(key)) wrapped[key] = timed(key, value as Fn, key === 'gemm' ? gemmLabel : undefined);
    // Named kernels (a Map of id → function), e.g. an activation's loop or the Adam step.
    else if (value instanceof Map) wrapped[key] = new Map([...value].map(([k, v]) => [k, typeof v === 'function' ? timed(String(k), v as Fn) : v]));
    else if (value && typeof value === 'object' && Object.values(value).some((v) => typeof v === 'function')) {
      wrapped[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'function' ? timed(k, v as Fn) : v]));
    }
  }
  return wrapped as unknown as Backend;
}

async function child(steps: number, backend: string): Promise<ChildResult> {
  const settings = settingsFor('full').w2;
  if (backend === 'native') await import('@actgrad/native');
  const peer = await createActgradPeer(backend);
  const base = getBackend() as Backend & { threads?: number; gemmVariant?: { fma: boolean; native?: string } };
  const buckets = new Map<string, Bucket>();
  setBackend(instrument(base, buckets));
  const data = w2Data();
  const trainer = peer.w2(data, settings);
  const pool = Math.floor(data.n / settings.batchSize);
  for (let s = 0; s < 20; s++) trainer.step((s % pool) * settings.batchSize);
  buckets.clear();
  const times: number[] = [];
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const t = performance.now();
    trainer.step((s % pool) * settings.batchSize);
    times.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  const scale = median(times) / (total / steps);
  // Scaled to the median step, so a burst of other work on a shared machine does not skew the shares.
  const out: Record<string, Bucket> = {};
  for (const [k, b] of buckets) out[k] = { ms: (b.ms / steps) * scale, calls: b.calls / steps };
  const v = base.gemmVariant;
  return { threads: base.threads ?? 1, steps, stepMs: median(times), buckets: out, variant: v?.native ? `native ${v.native} gemm` : v?.fma ? 'FMA gemm' : 'plain SIMD gemm' };
}

function render(results: ChildResult[], backend: string, load: number, loadAfter: number): string {
  const lines = [
    `## W2 step profile (${backend} backend), ${new Date().toISOString()}`,
    '',
    `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; load average ${load.toFixed(1)} when the run started and ${loadAfter.toFixed(1)} when it ended (a shared machine slows every part, the shares less than the times).`,
    '',
    `MLP 784-256-128-10 ReLU/softmax, cross-entropy, Adam, batch 128, as \`pnpm bench\` runs it. ms per step (median step, calls scaled to it); \`${['node --conditions=source --import tsx bench/src/profile-w2.ts', ...process.argv.slice(2)].join(' ')}\`.`,
    '',
  ];
  const keys = [...new Set(results.flatMap((r) => Object.keys(r.buckets)))];
  const group = (k: string) => (k.startsWith('gemm') ? 0 : 1);
  keys.sort((a, b) => group(a) - group(b) || (results[0]!.buckets[b]?.ms ?? 0) - (results[0]!.buckets[a]?.ms ?? 0));
  const header = ['part', 'calls/step', ...results.flatMap((r) => [`${r.threads}t ms`, `${r.threads}t share`])];
  const row = (name: string, calls: string, ms: (r: ChildResult) => number) =>
    [name, calls, ...results.flatMap((r) => [ms(r).toFixed(3), `${((100 * ms(r)) / r.stepMs).toFixed(1)}%`])];
  const body = keys.map((k) => row(k, (results[0]!.buckets[k]?.calls ?? 0).toFixed(0), (r) => r.buckets[k]?.ms ?? 0));
  const sum = (r: ChildResult, pick: (k: string) => boolean) => Object.entries(r.buckets).filter(([k]) => pick(k)).reduce((s, [, b]) => s + b.ms, 0);
  body.push(row('**all gemm**', '', (r) => sum(r, (k) => k.startsWith('gemm'))));
  body.push(row('**all other kernels**', '', (r) => sum(r, (k) => !k.startsWith('gemm'))));
  body.push(row('**JavaScript: graph, autograd, dispatch**', '', (r) => r.stepMs - sum(r, () => true)));
  body.push(row('**step**', '', (r) => r.stepMs));
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`));
  lines.push('', results.map((r) => `${r.threads} thread${r.threads > 1 ? 's' : ''}: ${(1000 / r.stepMs).toFixed(1)} steps/s (${r.variant}).`).join(' '), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const steps = Number(flag('--steps', '300'));
  const backend = flag('--backend', 'wasm');
  if (backend !== 'wasm' && backend !== 'native') throw new Error(`--backend must be wasm or native, got ${backend}`);
  if (process.argv.includes('--child')) {
    process.stdout.write(`\nPROFILE ${JSON.stringify(await child(steps, backend))}\n`);
    return;
  }
  const load = loadavg()[0]!;
  const results: ChildResult[] = [];
  for (const threads of flag('--threads', '1,2').split(',')) {
    const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--steps', String(steps), '--backend', backend],
      { encoding: 'utf8', env: { ...process.env, ACTGRAD_BACKEND: backend, ACTGRAD_THREADS: threads } });
    const line = run.stdout.split('\n').find((l) => l.startsWith('PROFILE '));
    if (!line) throw new Error(`profile with ${threads} threads failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
    results.push(JSON.parse(line.slice('PROFILE '.length)) as ChildResult);
  }
  const markdown = render(results, backend, load, loadavg()[0]!);
  const out = flag('--out', '');
  if (out) writeFileSync(out, markdown);
  process.stdout.write(markdown);
}

await main();
