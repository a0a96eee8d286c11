import type { W1Data, W2Data } from '../data.js';
import type { PeakLoop } from '../peak-meter.js';
import type { W1Settings, W2Settings, WorkloadId, WorkloadSettings } from '../spec.js';

/** One training step at a time; the driver owns the loop and the clock. */
export interface W1Trainer {
  /** Gathers the rows `batch` names, then forward, backward and the SGD update. */
  step(batch: Int32Array): void;
  /** Waits for any queued work, so the clock stops after the last step. */
  sync(): void;
  /** Accuracy over all training points, threshold p ≥ 0.5. */
  accuracy(): number;
}

export interface W2Trainer {
  /** One Adam step on rows [row0, row0 + batchSize). */
  step(row0: number): void;
  sync(): void;
}

/** A case of a microbenchmark: one call of the timed operation. */
export type BenchCase = () => void;

export interface ActivationInput {
  x: Float32Array;
  grad: Float32Array;
  shape: [number, number];
  options: Record<string, { alpha: number }>;
}

/** What a JavaScript peer provides; the drivers in `drivers.ts` do the timing for all of them alike. */
export interface JsPeer {
  /** The backend that actually runs, reported beside each result. */
  readonly backend: string;
  /**
   * Threads the wasm (or native) backend's products run on: W3 then also measures each product as
   * a share of the machine's peak on as many threads (paired.ts). Undefined for other backends.
   */
  readonly wasmThreads?: number;
  /** The register-only loop W3's products are paired with (default: the WebAssembly FMA loop). */
  readonly peakLoop?: PeakLoop;
  /** The peer's package versions, for the results' header. */
  readonly versions: Record<string, string>;
  w1(data: W1Data, settings: W1Settings): W1Trainer;
  w2(data: W2Data, settings: W2Settings): W2Trainer;
  /** C = A·B for n×n row-major operands, result freshly allocated or written into a buffer made once. */
  matmul(a: Float32Array, b: Float32Array, n: number): BenchCase;
  /** Forward then backward of one activation; undefined when the peer has no such activation. */
  activation(name: string, input: ActivationInput): BenchCase | undefined;
  /** Activations this peer registers beyond the spec's list (actgrad reports its registry). */
  activationNames?(): string[];
}

/** One job = one fresh process: a workload, a runner, and the settings it runs with. */
export interface Job<W extends WorkloadId = WorkloadId> {
  workload: W;
  runner: string;
  settings: WorkloadSettings[W];
  /** Directory holding the data files the Python runner reads. */
  dataDir?: string;
}

export interface Measurement {
  /** Sub-case within the workload: '' for W1/W2, 'n=256' for W3, the activation's name for W4. */
  case: string;
  metric: string;
  value: number;
}

export interface WorkerResult {
  runner: string;
  workload: WorkloadId;
  backend: string;
  versions: Record<string, string>;
  measurements: Measurement[];
}

/** Prefix of the one stdout line a worker answers with; other output (benny's, TF.js's) is ignored. */
export const resultPrefix = 'BENCH_RESULT ';
