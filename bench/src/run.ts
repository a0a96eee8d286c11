import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, usage, type BenchArgs } from './args.js';
import { resultsHtml } from './charts.js';
import { writeDataFiles } from './data-files.js';
import { machineInfo, packageVersions } from './machine.js';
import { resultPrefix, type Job, type WorkerResult } from './peers/types.js';
import { toMarkdown, formatValue, primaryMetric, type ResultRow, type Results } from './report.js';
import { actgradBackendOf, actgradEnv, runners, type Runner } from './runners.js';
import { chooseBlas } from './blas.js';
import { chooseMalloc } from './malloc.js';
import { ceilingSection, measurePeak, type PeakRow } from './ceiling.js';
import { settingsFor, specRepetitions, type WorkloadId, type WorkloadSettings } from './spec.js';
import { interleave, summarize, type Summary } from './stats.js';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(benchDir, '..');
const resultsDir = join(benchDir, 'results');
// Per run, so two runs at once (a shared machine) never read each other's half-written files.
const dataDir = join(resultsDir, 'tmp', `data-${process.pid}`);
const python = '/usr/bin/python3';
/** A process that takes longer than this is stuck, not slow. */
const processTimeoutMs = 10 * 60_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Outcome {
  result?: WorkerResult;
  error?: string;
  seconds: number;
}

/** Environment of every PyTorch process: its fastest OPENBLAS_CORETYPE (blas.ts) and malloc setting (malloc.ts). */
let torchEnv: Record<string, string> = {};

/** Runs one job in a fresh process and reads its one result line. */
function runJob(runner: Runner, job: Job): Promise<Outcome> {
  const [command, args, env] =
    runner.framework === 'torch'
      ? [python, [join(benchDir, 'python', 'torch_bench.py'), JSON.stringify({ ...job, dataDir })], torchEnv]
      : [process.execPath, ['--conditions=source', '--import', 'tsx', join(benchDir, 'src', 'worker.ts'), JSON.stringify(job)],
        runner.framework === 'actgrad' ? actgradEnv(runner) : {}];
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), processTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      const line = stdout.split('\n').find((l) => l.startsWith(resultPrefix));
      if (code === 0 && line) return done({ result: JSON.parse(line.slice(resultPrefix.length)) as WorkerResult, seconds });
      done({ error: firstErrorLine(stderr) || `exited with ${signal ?? `code ${code}`}`, seconds });
    });
    child.on('error', (error) => done({ error: error.message, seconds: 0 }));
  });
}

/** The line of a child's stderr that says what went wrong, without the stack. */
function firstErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !/^=+$|^Hi,? |tfjs-node/.test(l));
  return (lines.find((l) => /error/i.test(l)) ?? lines[0] ?? '').slice(0, 300);
}

function torchAvailable(): string | undefined {
  const probe = spawnSync(python, ['-c', 'import sys, torch; print(sys.version.split()[0])'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/**
 * What `code` prints as its last line, parsed as JSON, in a fresh process of the bench package
 * (ACTGRAD_BACKEND unset); or the process's stderr when it printed none.
 */
function probeActgrad<T>(code: string): T | { error: string } {
  const env = { ...process.env };
  delete env.ACTGRAD_BACKEND;
  const probe = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '-e', code], { cwd: benchDir, encoding: 'utf8', env });
  try {
    return JSON.parse(probe.stdout.trim().split('\n').pop() ?? '') as T;
  } catch {
    return { error: probe.stderr.trim() || `exited with ${probe.status}` };
  }
}

/**
 * Whether @actgrad/native loads here (its addon is built at install), and its instruction set
 * and addon file; otherwise why not, in its own words.
 */
function nativeBackend(): { isa: string; file: string } | { error: string } {
  const found = probeActgrad<{ isa: string; file: string }>(
    "import('@actgrad/native').then((n) => console.log(JSON.stringify({ isa: n.nativeBackend.gemmVariant.native, file: n.addonPath })))");
  if (!('error' in found)) return found;
  return { error: found.error.split('\n').find((l) => l.includes('@actgrad/native')) ?? found.error.split('\n')[0]! };
}

/** The backends @actgrad/tensor registers and the one it picks by default, asked of a fresh process. */
function actgradBackends(): { names: string[]; default: string } {
  const found = probeActgrad<{ names: string[]; default: string }>(
    "import('@actgrad/tensor').then((t) => console.log(JSON.stringify({ names: t.backendNames(), default: t.getBackend().name })))");
  return 'error' in found ? { names: ['js'], default: 'js' } : found;
}

/**
 * Every runner's repetitions of one workload, alternating runners; a runner that fails once is
 * dropped from the rest of the workload with a note. Returns one summarised row per figure.
 */
async function runWorkload(
  workload: WorkloadId,
  taking: readonly Runner[],
  repetitions: number,
  settings: WorkloadSettings[WorkloadId],
  out: { notes: string[]; versions: Record<string, string> },
): Promise<ResultRow[]> {
  const failed = new Set<string>();
  const collected = new Map<string, { row: Omit<ResultRow, keyof Summary>; values: number[] }>();
  for (const { peer: runner, repetition } of interleave(taking, repetitions)) {
    if (failed.has(runner.id)) continue;
    const job: Job = { workload, runner: runner.id, settings };
    const outcome = await runJob(runner, job);
    const tag = `${workload} ${runner.label} #${repetition + 1}/${repetitions}`;
    if (!outcome.result) {
      failed.add(runner.id);
      out.notes.push(`${workload.toUpperCase()} ${runner.label} failed: ${outcome.error}`);
      log(`${tag}: failed after ${outcome.seconds.toFixed(1)} s: ${outcome.error}`);
      continue;
    }
    const { result } = outcome;
    Object.assign(out.versions, result.versions);
    for (const m of result.measurements) {
      const key = [runner.id, m.case, m.metric].join('\u0000');
      const entry = collected.get(key) ?? { row: { workload, case: m.case, metric: m.metric, runner: runner.id, label: runner.label, backend: result.backend }, values: [] };
      entry.values.push(m.value);
      collected.set(key, entry);
    }
    const headline = result.measurements
      .filter((m) => m.metric === primaryMetric[workload])
      .map((m) => `${m.case ? `${m.case} ` : ''}${formatValue(m.metric, m.value)}`);
    log(`${tag}: ${headline.join(', ')} (${outcome.seconds.toFixed(1)} s)`);
  }
  return [...collected.values()].map(({ row, values }) => ({ ...row, ...summarize(values) }));
}

const selectedNative = (selected: readonly Runner[]) => selected.some((r) => r.framework === 'actgrad' && actgradBackendOf(r) === 'native');

async function main(args: BenchArgs): Promise<void> {
  const settings = settingsFor(args.mode);
  // n = 1024 on a pure-JS peer is several seconds a call: the quick overview leaves it out, an
  // explicit `pnpm bench matmul` (or --only w3) keeps it.
  if (args.mode === 'quick' && !args.explicit) settings.w3.sizes = settings.w3.sizes.filter((n) => n < 1024);
  const repetitions = args.repetitions ?? (args.mode === 'full' ? specRepetitions : 1);
  const notes: string[] = [];
  const machine = machineInfo();

  const pythonVersion = torchAvailable();
  if (pythonVersion) machine.python = pythonVersion;
  else notes.push(`PyTorch skipped: \`${python} -c 'import torch'\` failed (install Debian's python3-torch to compare with it).`);
  const backends = actgradBackends();
  if (!backends.names.includes('wasm')) notes.push(`actgrad (wasm) skipped: @actgrad/tensor registers no wasm backend (has ${backends.names.join(', ')}).`);
  const wantsNative = runners.some((r) => actgradBackendOf(r) === 'native' && r.framework === 'actgrad' && (args.peers ? args.peers.includes(r.id) : !r.optIn));
  const native = wantsNative ? nativeBackend() : undefined;
  if (native && 'error' in native) notes.push(`actgrad (native) skipped: ${native.error}`);
  else if (native) backends.names.push('native');

  const selected = runners.filter(
    (r) =>
      (args.peers ? args.peers.includes(r.id) : !r.optIn) &&
      (r.framework !== 'torch' || pythonVersion) &&
      (r.framework !== 'actgrad' || backends.names.includes(actgradBackendOf(r))),
  );
  if (pythonVersion && selected.some((r) => r.framework === 'torch')) {
    writeDataFiles(dataDir, settings);
    log('Probing which kernels PyTorch\'s BLAS runs best (bench/python/blas_probe.py)…');
    const blas = chooseBlas(python, benchDir, args.mode === 'full' ? 1 : 0.3);
    notes.push(blas.note);
    log(blas.note);
    log('Probing whether PyTorch runs faster with glibc\'s malloc tuned (bench/python/malloc_probe.py)…');
    const malloc = chooseMalloc(python, benchDir, blas.env, args.mode === 'full' ? 1 : 0.3);
    torchEnv = { ...blas.env, ...malloc.env };
    notes.push(malloc.note);
    log(malloc.note);
  }
  // The machine's WebAssembly SIMD ceiling, which the W2 and W3 bars are relative to.
  let peak: PeakRow[] | undefined;
  if (args.only.includes('w2') || args.only.includes('w3')) {
    const measured = measurePeak(root, repetitions, Math.min(8, machine.cores), args.mode === 'full' ? 1 : 0.4, log,
      native && !('error' in native) && selectedNative(selected) ? native : undefined);
    if (measured.error) notes.push(`WebAssembly SIMD peak not measured: ${measured.error}`);
    else peak = measured.rows;
  }

  const rows: ResultRow[] = [];
  const versions = packageVersions(root);
  const repsDone: Partial<Record<WorkloadId, number>> = {};
  for (const workload of args.only) {
    const taking = selected.filter((r) => r.workloads.includes(workload));
    rows.push(...(await runWorkload(workload, taking, repetitions, settings[workload], { notes, versions })));
    repsDone[workload] = repetitions;
  }

  const results: Results & { peak?: PeakRow[] } = {
    date: new Date().toISOString(),
    mode: args.mode,
    command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
    versions,
    reference: `actgrad-${backends.default}`,
    repetitions: repsDone,
    settings: Object.fromEntries(args.only.map((w) => [w, settings[w]])),
    rows,
    notes,
    peak,
  };
  rmSync(dataDir, { recursive: true, force: true });
  const markdown = `${toMarkdown(results)}\n${ceilingSection(results)}\n`;
  // A quick look must not rewrite tracked files: results go to the git-ignored tmp/ folder unless
  // --save asks for bench/results/ (and a full run of every workload also becomes full.*).
  const outDir = args.save ? resultsDir : join(resultsDir, 'tmp');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.md'), markdown);
  writeFileSync(join(outDir, 'latest.html'), resultsHtml(results, markdown));
  if (args.save && args.mode === 'full' && args.only.length === 4 && !args.peers) {
    for (const ext of ['json', 'md', 'html']) copyFileSync(join(outDir, `latest.${ext}`), join(resultsDir, `full.${ext}`));
  }
  process.stdout.write(args.json ? `${JSON.stringify(results, null, 2)}\n` : `\n${markdown}`);
  log(`\nWrote ${relative(root, join(outDir, 'latest.md'))}, latest.json and latest.html (charts)${args.save ? '' : '; --save keeps them in bench/results/'}.`);
}

let args: BenchArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  log((error as Error).message);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${usage}\n`);
} else if (args.render) {
  const saved = JSON.parse(readFileSync(args.render, 'utf8')) as Results & { peak?: PeakRow[] };
  const markdown = `${toMarkdown(saved)}\n${ceilingSection(saved)}\n`;
  writeFileSync(args.render.replace(/\.json$/, '') + '.md', markdown);
  writeFileSync(args.render.replace(/\.json$/, '') + '.html', resultsHtml(saved, markdown));
  process.stdout.write(markdown);
} else {
  main(args).catch((error: unknown) => {
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  });
}
