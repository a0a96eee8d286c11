import type { WorkloadId } from './spec.js';

/** A way of running a workload: one peer with one backend or thread count. */
export interface Runner {
  id: string;
  label: string;
  framework: 'actgrad' | 'tfjs' | 'torch';
  /** Workloads this runner takes part in. */
  workloads: readonly WorkloadId[];
  /** Runs only when named in --peers (a comparison, not a peer). */
  optIn?: boolean;
}

const all: readonly WorkloadId[] = ['w1', 'w2', 'w3', 'w4'];
/** Threads only help where there is enough arithmetic to split: the 784-wide MLP and matmul. */
const threaded: readonly WorkloadId[] = ['w2', 'w3'];

export const runners: readonly Runner[] = [
  { id: 'actgrad-js', label: 'actgrad (js)', framework: 'actgrad', workloads: all },
  { id: 'actgrad-wasm', label: 'actgrad (wasm)', framework: 'actgrad', workloads: all },
  { id: 'actgrad-wasm-1t', label: 'actgrad (wasm, 1 thread)', framework: 'actgrad', workloads: threaded },
  // @actgrad/native: the wasm backend with its gemm in AVX-512/AVX2 C (runs where its addon is built).
  { id: 'actgrad-native', label: 'actgrad (native)', framework: 'actgrad', workloads: all },
  { id: 'actgrad-native-1t', label: 'actgrad (native, 1 thread)', framework: 'actgrad', workloads: threaded },
  // The plain SIMD gemm (ACTGRAD_RELAXED_SIMD=0) beside the FMA one, for a before/after in one run.
  { id: 'actgrad-wasm-simd', label: 'actgrad (wasm, plain SIMD)', framework: 'actgrad', workloads: threaded, optIn: true },
  { id: 'actgrad-wasm-simd-1t', label: 'actgrad (wasm, plain SIMD, 1 thread)', framework: 'actgrad', workloads: threaded, optIn: true },
  { id: 'tfjs-cpu', label: 'TF.js cpu', framework: 'tfjs', workloads: all },
  { id: 'tfjs-wasm', label: 'TF.js wasm', framework: 'tfjs', workloads: all },
  { id: 'torch-1t', label: 'PyTorch (1 thread)', framework: 'torch', workloads: all },
  { id: 'torch-2t', label: 'PyTorch (2 threads)', framework: 'torch', workloads: threaded },
];

export const runnerById = (id: string): Runner | undefined => runners.find((r) => r.id === id);

/** The actgrad backend a runner uses (`actgrad-wasm-1t` → `wasm`). */
export const actgradBackendOf = (runner: Runner): string => runner.id.slice('actgrad-'.length).replace(/-\d+t$/, '').replace(/-simd$/, '');

/** Environment of an actgrad runner's process: its backend, and its thread cap if it has one. */
export function actgradEnv(runner: Runner): Record<string, string> {
  const threads = /-(\d+)t$/.exec(runner.id)?.[1];
  return {
    ACTGRAD_BACKEND: actgradBackendOf(runner),
    ...(threads ? { ACTGRAD_THREADS: threads } : {}),
    ...(/-simd(-\d+t)?$/.test(runner.id) ? { ACTGRAD_RELAXED_SIMD: '0' } : {}),
  };
}
