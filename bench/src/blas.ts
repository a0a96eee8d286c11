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

/** What python/blas_probe.py reports of one process. */
export interface Probe {
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

function probeProcess(python: string, benchDir: string, coretype: string | undefined, seconds: number): Probe {
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

/** Runs the probe with OPENBLAS_CORETYPE set to `coretype` (unset when undefined). */
export type BlasProber = (python: string, benchDir: string, coretype: string | undefined, seconds: number) => Probe;

/**
 * The OPENBLAS_CORETYPE every PyTorch process runs with: the fastest core type in the probes
 * (OpenBLAS's own pick, a preset one and the candidates), and a note that says what ran.
 */
export function chooseBlas(
  python: string, benchDir: string, seconds: number,
  options: { probe?: BlasProber; preset?: string } = {},
): BlasChoice {
  const probe = options.probe ?? probeProcess;
  // An empty OPENBLAS_CORETYPE is no preset, as for OpenBLAS.
  const preset = ('preset' in options ? options.preset : process.env.OPENBLAS_CORETYPE) || undefined;
  // OPENBLAS_CORETYPE set in this environment (here once to Haswell, half the speed of the
  // AVX-512 kernels on a Zen 5) is one more candidate, not the answer: PyTorch runs with the
  // fastest core type, and the note says what was set.
  const own = probe(python, benchDir, undefined, seconds);
  if (own.error) return { env: {}, note: `PyTorch's BLAS kernels unknown: ${own.error}.` };
  if (own.internal_api !== 'openblas') {
    return { env: {}, note: `PyTorch's BLAS: ${own.internal_api} ${own.version ?? ''}${own.architecture ? `, ${own.architecture} kernels` : ''}.` };
  }
  const rate = (p: Probe) => `${p.architecture} ${(p.gflops_1t_n512 ?? 0).toFixed(1)}`;
  const tried: Array<{ coretype: string; result: Probe }> = [];
  const candidates = preset ? [preset, ...CANDIDATES.filter((c) => c !== preset)] : CANDIDATES;
  // Two alternating rounds, best of each, so a burst of other work does not pick the kernels.
  for (let round = 0; round < 2; round++) {
    if (round > 0) {
      const again = probe(python, benchDir, undefined, seconds);
      own.gflops_1t_n512 = Math.max(own.gflops_1t_n512 ?? 0, again.gflops_1t_n512 ?? 0);
    }
    for (const coretype of candidates) {
      const result = probe(python, benchDir, coretype, seconds);
      // A core type this build or CPU cannot run falls back to another one: skip repeats.
      if (result.error || !result.architecture || result.architecture === own.architecture) continue;
      const seen = tried.find((t) => t.result.architecture === result.architecture);
      if (!seen) tried.push({ coretype, result });
      else if (seen.coretype === coretype) seen.result.gflops_1t_n512 = Math.max(seen.result.gflops_1t_n512 ?? 0, result.gflops_1t_n512 ?? 0);
    }
  }
  const probed = [own, ...tried.map((t) => t.result)].map(rate).join(', ');
  const ownPick = { coretype: own.architecture!, result: own };
  // What PyTorch would run as the environment stands: the preset's kernels, else OpenBLAS's pick.
  const asSet = (preset && tried.find((t) => t.coretype === preset)) || ownPick;
  const best = tried.reduce((b, t) => ((t.result.gflops_1t_n512 ?? 0) > (b.result.gflops_1t_n512 ?? 0) ? t : b), ownPick);
  const chosen = (best.result.gflops_1t_n512 ?? 0) > MARGIN * (asSet.result.gflops_1t_n512 ?? 0) ? best : asSet;
  const detail = `probe, 512² float32 matmul on 1 thread, GFLOP/s: ${probed}`;
  const set = preset ? `OPENBLAS_CORETYPE=${preset} was set in the environment (${asSet.result.architecture} kernels); ` : '';
  if (chosen === asSet && !preset) {
    return { env: {}, note: `PyTorch's OpenBLAS ${own.version} runs its own pick, ${own.architecture} kernels, its best here (no OPENBLAS_CORETYPE beat it by ${Math.round((MARGIN - 1) * 100)}%; ${detail}).` };
  }
  if (chosen === asSet) {
    return { env: { OPENBLAS_CORETYPE: preset! }, note: `PyTorch's OpenBLAS ${own.version}: ${set}no other core type beat it by ${Math.round((MARGIN - 1) * 100)}%, so PyTorch ran with it (${detail}).` };
  }
  return {
    env: { OPENBLAS_CORETYPE: chosen.coretype },
    note: `PyTorch's OpenBLAS ${own.version}: ${set || `picks ${own.architecture} kernels on this CPU; `}${chosen.coretype} ran faster, so PyTorch ran with OPENBLAS_CORETYPE=${chosen.coretype}, its best here (${detail}).`,
  };
}
