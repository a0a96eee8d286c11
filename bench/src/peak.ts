import { fmaAvailable, PeakMeter } from './peak-meter.js';
import { resultPrefix, type Measurement } from './peers/types.js';

/*
 * One fresh process: this machine's WebAssembly SIMD ceiling, the register-only
 * loops of peak-module.ts on 1 thread and on `threads` threads at once (each its
 * own instance), answered as one result line like worker.ts's.
 *
 *   node --import tsx bench/src/peak.ts '{"threads": 2, "seconds": 0.5}'
 *
 * A ceiling is a best case, so each figure is the best of several short windows:
 * on a shared machine the median window mostly measures the other work.
 */

interface PeakJob {
  threads: number;
  /** Total timed seconds per figure (split into windows). */
  seconds: number;
}

const WINDOWS = 7;

/** GFLOP/s of `threads` threads running the loop at once, best of WINDOWS windows. */
async function bestRate(fused: boolean, threads: number, windowMs: number): Promise<number> {
  const meter = await PeakMeter.start(fused, threads, windowMs);
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
  for (const fused of fmaAvailable ? [false, true] : [false]) {
    const kind = fused ? 'fma' : 'mul+add';
    for (const t of threads > 1 ? [1, threads] : [1]) {
      measurements.push({ case: `${kind}, ${t} thread${t > 1 ? 's' : ''}`, metric: 'gflops', value: await bestRate(fused, t, windowMs) });
    }
  }
  const result = { runner: 'wasm-peak', backend: `WebAssembly SIMD, relaxed SIMD ${fmaAvailable ? 'available' : 'unavailable'}`, versions: {}, measurements };
  process.stdout.write(`\n${resultPrefix}${JSON.stringify(result)}\n`);
}

await main();
