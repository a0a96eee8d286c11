import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/*
 * PyTorch at its best: which kernels its BLAS runs, and OPENBLAS_CORETYPE set to
 * the fastest core type where OpenBLAS's own detection is not (on a CPU it does
 * not recognise it falls back to older kernels). Each candidate is probed in its
 * own process (the variable is read when the library loads) by
 * python/blas_probe.py: 512×512 float32 matmuls on one thread.
 */

export interface BlasChoice {
  /** Environment for every PyTorch process. */
  env: Record<string, string>;
  /** One sentence for the results' notes. */
  note: string;
}

interface Probe {
  internal_api?: string;
  version?: string;
  architecture?: string;
  gflops_1t_n512?: number;
  error?: string;
}

/** Core types whose kernels a current x86-64 OpenBLAS may run (AVX-512, AVX2, AVX). */
const CANDIDATES = ['SkylakeX', 'Cooperlake', 'Zen', 'Haswell', 'Sandybridge'];
/** Another core type must beat OpenBLAS's own pick by this much to replace it. */
const MARGIN = 1.05;

function probe(python: string, benchDir: string, coretype: string | undefined, seconds: number): Probe {
  const env = { ...process.env };
  if (coretype) env.OPENBLAS_CORETYPE = coretype;
  else delete env.OPENBLAS_CORETYPE;
  const run = spawnSync(python, [join(benchDir, 'python', 'blas_probe.py'), String(seconds)], { encoding: 'utf8', env });
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Probe;
  } catch {
    return { error: run.stderr.trim().split('\n').pop() || `exited with code ${run.status}` };
  }
}

export function chooseBlas(python: string, benchDir: string, seconds: number): BlasChoice {
  const preset = process.env.OPENBLAS_CORETYPE;
  const own = probe(python, benchDir, preset, seconds);
  if (own.error) return { env: {}, note: `PyTorch's BLAS kernels unknown: ${own.error}.` };
  if (own.internal_api !== 'openblas') {
    return { env: {}, note: `PyTorch's BLAS: ${own.internal_api} ${own.version ?? ''}${own.architecture ? `, ${own.architecture} kernels` : ''}.` };
  }
  const rate = (p: Probe) => `${p.architecture} ${(p.gflops_1t_n512 ?? 0).toFixed(1)}`;
  if (preset) {
    return { env: { OPENBLAS_CORETYPE: preset }, note: `PyTorch's OpenBLAS ${own.version} runs ${own.architecture} kernels (OPENBLAS_CORETYPE=${preset} as set; 512² float32 matmul, 1 thread: ${rate(own)} GFLOP/s).` };
  }
  const tried: Array<{ coretype: string; result: Probe }> = [];
  // Two alternating rounds, best of each, so a burst of other work does not pick the kernels.
  for (let round = 0; round < 2; round++) {
    if (round > 0) {
      const again = probe(python, benchDir, undefined, seconds);
      own.gflops_1t_n512 = Math.max(own.gflops_1t_n512 ?? 0, again.gflops_1t_n512 ?? 0);
    }
    for (const coretype of CANDIDATES) {
      const result = probe(python, benchDir, coretype, seconds);
      // A core type this build or CPU cannot run falls back to another one: skip repeats.
      if (result.error || !result.architecture || result.architecture === own.architecture) continue;
      const seen = tried.find((t) => t.result.architecture === result.architecture);
      if (!seen) tried.push({ coretype, result });
      else if (seen.coretype === coretype) seen.result.gflops_1t_n512 = Math.max(seen.result.gflops_1t_n512 ?? 0, result.gflops_1t_n512 ?? 0);
    }
  }
  const best = tried.reduce<{ coretype: string; result: Probe } | undefined>(
    (b, t) => ((t.result.gflops_1t_n512 ?? 0) > (b?.result.gflops_1t_n512 ?? 0) ? t : b), undefined);
  const probed = [own, ...tried.map((t) => t.result)].map(rate).join(', ');
  if (best && (best.result.gflops_1t_n512 ?? 0) > MARGIN * (own.gflops_1t_n512 ?? 0)) {
    return {
      env: { OPENBLAS_CORETYPE: best.coretype },
      note: `PyTorch's OpenBLAS ${own.version} picks ${own.architecture} kernels on this CPU; ${best.coretype} ran faster, so PyTorch ran with OPENBLAS_CORETYPE=${best.coretype} (its best here; probe, 512² float32 matmul on 1 thread, GFLOP/s: ${probed}).`,
    };
  }
  return {
    env: {},
    note: `PyTorch's OpenBLAS ${own.version} runs its own pick, ${own.architecture} kernels, its best here (no OPENBLAS_CORETYPE beat it by ${Math.round((MARGIN - 1) * 100)}%; probe, 512² float32 matmul on 1 thread, GFLOP/s: ${probed}).`,
  };
}
