import { fmaAvailable, PeakMeter, type PeakLoop } from './peak-meter.js';
import { resultPrefix, type Measurement } from './peers/types.js';

/*
 * One fresh process: this machine's WebAssembly SIMD ceiling, the register-only
 * loops of peak-module.ts on 1 thread and on `threads` threads at once (each its
 * own instance), answered as one result line like worker.ts's. With `native`, also
 * the native addon's loop in that instruction set (@actgrad/native's ceiling).
 *
 *   node --import tsx bench/src/peak.ts '{"threads": 2, "seconds": 0.5}'
 *   node --import tsx bench/src/peak.ts '{"threads": 2, "seconds": 0.5, "native": {"isa": "avx512", "file": "…/actgrad_native.node"}}'
 *
 * A ceiling is a best case, so each figure is the best of several short windows:
 * on a shared machine the median window mostly measures the other work.
 */

interface PeakJob {
  threads: number;
  /** Total timed seconds per figure (split into windows). */
  seconds: number;
  /** The native loop to measure as well. */
  native?: { isa: string; file: string };
}

const WINDOWS = 7;

/** GFLOP/s of `threads` threads running the loop at once, best of WINDOWS windows. */
async function bestRate(loop: PeakLoop, threads: number, windowMs: number): Promise<number> {
  const meter = await PeakMeter.start(loop, threads, windowMs);
  try {
    let best = 0;
    for (let w = 0; w < WINDOWS; w++) best = Math.max(best, meter.rate());
    return best;
  } finally {
    await meter.close();
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Partial<PeakJob>;
  const threads = job.threads ?? 2;
  const windowMs = ((job.seconds ?? 0.5) * 1000) / WINDOWS;
  const measurements: Measurement[] = [];
  const loops: Array<[string, PeakLoop]> = (fmaAvailable ? [false, true] : [false])
    .map((fused): [string, PeakLoop] => [fused ? 'fma' : 'mul+add', { kind: 'wasm', fused }]);
  if (job.native) loops.push([`native ${job.native.isa}`, { kind: 'native', ...job.native }]);
  for (const [kind, loop] of loops) {
    for (const t of threads > 1 ? [1, threads] : [1]) {
      measurements.push({ case: `${kind}, ${t} thread${t > 1 ? 's' : ''}`, metric: 'gflops', value: await bestRate(loop, t, windowMs) });
    }
  }
  const result = { runner: 'wasm-peak', backend: `WebAssembly SIMD, relaxed SIMD ${fmaAvailable ? 'available' : 'unavailable'}`, versions: {}, measurements };
  process.stdout.write(`\n${resultPrefix}${JSON.stringify(result)}\n`);
}

await main();
