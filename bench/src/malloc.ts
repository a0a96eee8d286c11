import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * PyTorch at its best, part two: glibc's malloc. PyTorch's default Adam allocates
 * temporaries the size of each weight matrix every step; glibc serves blocks of
 * 128 KiB and more with mmap and hands them back on free, so on some virtual
 * machines every step pays a page fault per 4 KiB of them. python/malloc_probe.py
 * times W2-shaped steps as the environment stands and with glibc's documented
 * tunables that keep such blocks in the heap; the faster setting goes to every
 * PyTorch process, and the note gives both rates.
 */

/** glibc tunables: blocks up to 32 MiB (glibc's largest threshold) from the heap, and a freed heap top kept. */
export const TUNED_MALLOC: Record<string, string> = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(2 ** 30),
};
/** The tuned setting must beat malloc as it comes by this much to be used. */
const MARGIN = 1.05;

export interface MallocChoice {
  env: Record<string, string>;
  note: string;
}

function probeProcess(python: string, benchDir: string, env: Record<string, string>, seconds: number): number | string {
  const run = spawnSync(python, [join(benchDir, 'python', 'malloc_probe.py'), String(seconds)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  try {
    const rate = (JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { steps_per_s?: number }).steps_per_s;
    if (typeof rate === 'number' && rate > 0) return rate;
  } catch {
    // the error line below
  }
  return run.stderr.trim().split('\n').pop() || `exited with code ${run.status}`;
}

/** Probes PyTorch with `baseEnv` (its BLAS choice) alone and with the tuned malloc, two rounds alternating. */
/** Steps a second of the probe under `env`, or why it failed. */
export type MallocProber = (python: string, benchDir: string, env: Record<string, string>, seconds: number) => number | string;

export function chooseMalloc(
  python: string, benchDir: string, baseEnv: Record<string, string>, seconds: number, probe: MallocProber = probeProcess,
): MallocChoice {
  let plain = 0;
  let tuned = 0;
  for (let round = 0; round < 2; round++) {
    const a = probe(python, benchDir, baseEnv, seconds);
    const b = probe(python, benchDir, { ...baseEnv, ...TUNED_MALLOC }, seconds);
    if (typeof a === 'string' || typeof b === 'string') {
      return { env: {}, note: `PyTorch's malloc setting not probed: ${typeof a === 'string' ? a : b}.` };
    }
    plain = Math.max(plain, a);
    tuned = Math.max(tuned, b);
  }
  const vars = Object.entries(TUNED_MALLOC).map(([k, v]) => `${k}=${v}`).join(' ');
  const rates = `a 784-256-128-10 Adam step on 1 thread (bench/python/malloc_probe.py): ${plain.toFixed(0)} steps/s with malloc as it comes, ${tuned.toFixed(0)} tuned`;
  if (tuned > MARGIN * plain) {
    return { env: { ...TUNED_MALLOC }, note: `PyTorch ran with glibc's malloc tuned (${vars}), its best here: ${rates}.` };
  }
  return { env: {}, note: `PyTorch ran with glibc's malloc as it comes; tuning it (${vars}) did not beat it by ${Math.round((MARGIN - 1) * 100)}%: ${rates}.` };
}
