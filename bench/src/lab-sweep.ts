import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Wall time of the lab's default sweep (6 hidden activations × 5 seeds on moons, 60 epochs) run
 * serially, across worker threads, and as the command runs it without --threads (it then starts
 * workers only for a sweep long enough to pay for them): fresh processes, alternating, the median
 * of each. The sweep's own time (from its --json line) excludes process start-up.
 *
 * CPU time (the whole process, workers included) shows what the threads cost beyond the serial
 * run: on a busy machine the wall-time ratio is bounded by the cores actually free.
 *
 *   npx -y pnpm@12.4.2 bench:sweep [--reps N] [--seeds N] [--built]
 *
 * --built runs the built command (packages/lab/dist/cli.js, after `pnpm build`), as a user's
 * project does; by default the TypeScript sources run through tsx, whose workers each compile
 * the sources again as they start.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench:sweep: --${name} needs a positive integer`);
  return v;
};
const reps = arg('reps', 5);
const seeds = arg('seeds', 5);
const threads = availableParallelism();
const built = process.argv.includes('--built');

interface Sample { sweep: number; cpu: number; process: number; threads: number; configurations: unknown }

function sweep(n: number | 'default'): Sample {
  const t0 = performance.now();
  const [command, entry] = built ? [process.execPath, ['packages/lab/dist/cli.js']] : [join(root, 'node_modules/.bin/tsx'), ['--conditions=source', 'packages/lab/src/cli/main.ts']];
  const out = execFileSync(command, [
    ...entry, 'lab', '--seeds', String(seeds), ...(n === 'default' ? [] : ['--threads', String(n)]), '--json', '--out', join(root, 'bench/results/tmp/lab-sweep.html'),
  ], { cwd: root, encoding: 'utf8' });
  const line = JSON.parse(out.trim().split('\n').at(-1)!);
  return { sweep: line.wallSeconds, cpu: line.cpuSeconds, process: (performance.now() - t0) / 1000, threads: line.threads, configurations: line.configurations.map((c: { metric: unknown }) => c.metric) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const serial: Sample[] = [];
const parallel: Sample[] = [];
const chosen: Sample[] = [];
for (let r = 0; r < reps; r++) {
  serial.push(sweep(1));
  parallel.push(sweep(threads));
  chosen.push(sweep('default'));
  process.stderr.write(`rep ${r + 1}/${reps}: 1 thread ${serial.at(-1)!.sweep.toFixed(2)} s, ${threads} threads ${parallel.at(-1)!.sweep.toFixed(2)} s, default (${chosen.at(-1)!.threads} thread${chosen.at(-1)!.threads > 1 ? 's' : ''}) ${chosen.at(-1)!.sweep.toFixed(2)} s\n`);
}
const same = [...serial, ...chosen].every((s) => JSON.stringify(s.configurations) === JSON.stringify(parallel[0]!.configurations));
const picked = [...new Set(chosen.map((s) => s.threads))].join(' or ');
const fmt = (xs: number[]) => `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
console.log(`Lab sweep: 6 hidden activations × ${seeds} seeds on moons (60 epochs each), ${reps} fresh processes per setting, alternating; ${built ? 'built command (dist)' : 'sources through tsx'}.
Machine: ${cpus()[0]?.model ?? '?'}, ${threads} cores, Node ${process.versions.node}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.
| | 1 thread | ${threads} threads | ratio | default (no --threads: ${picked} thread${picked === '1' ? '' : 's'}) | ratio |
|---|---|---|---|---|---|
| sweep wall time, median (min–max) | ${fmt(serial.map((s) => s.sweep))} | ${fmt(parallel.map((s) => s.sweep))} | ${(median(serial.map((s) => s.sweep)) / median(parallel.map((s) => s.sweep))).toFixed(2)}× | ${fmt(chosen.map((s) => s.sweep))} | ${(median(serial.map((s) => s.sweep)) / median(chosen.map((s) => s.sweep))).toFixed(2)}× |
| sweep CPU time, all threads | ${fmt(serial.map((s) => s.cpu))} | ${fmt(parallel.map((s) => s.cpu))} | ${(median(parallel.map((s) => s.cpu)) / median(serial.map((s) => s.cpu))).toFixed(2)}× the serial CPU | ${fmt(chosen.map((s) => s.cpu))} | ${(median(chosen.map((s) => s.cpu)) / median(serial.map((s) => s.cpu))).toFixed(2)}× the serial CPU |
| process wall time (with start-up and report) | ${fmt(serial.map((s) => s.process))} | ${fmt(parallel.map((s) => s.process))} | ${(median(serial.map((s) => s.process)) / median(parallel.map((s) => s.process))).toFixed(2)}× | ${fmt(chosen.map((s) => s.process))} | ${(median(serial.map((s) => s.process)) / median(chosen.map((s) => s.process))).toFixed(2)}× |
Results identical across thread counts and repetitions: ${same ? 'yes' : 'NO'}.`);
