import spec from '../workloads.json' with { type: 'json' };

/**
 * The workload definitions. W1–W3 are the shared spec verbatim; W4 (activations) follows the same
 * shape. Everything a peer needs to train or time a workload comes from here, so every peer reads
 * the same numbers.
 */
export const workloads = spec.workloads;
export const specVersion = spec.specVersion;
export const specRepetitions = spec.repetitions;

export type WorkloadId = 'w1' | 'w2' | 'w3' | 'w4';
export const workloadIds: readonly WorkloadId[] = ['w1', 'w2', 'w3', 'w4'];

/** Shape of the glorot_uniform weights and zero biases of an MLP, layer by layer. */
export interface LayerInit {
  inFeatures: number;
  outFeatures: number;
  /** [in, out] row-major, so y = x W + b. */
  weight: Float32Array;
  bias: Float32Array;
}

export interface W1Settings {
  epochs: number;
  warmupEpochs: number;
  batchSize: number;
  lr: number;
}

export interface W2Settings {
  batchSize: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  warmupSteps: number;
  minTimedSteps: number;
  minTimedSeconds: number;
  /** Timed window made of whole passes over the batch pool, as the spec asks (full runs). */
  wholePasses: boolean;
}

/** W3 and W4 are timed by benny (benchmark.js): warm-up calls, then samples for at least `maxTime`. */
export interface MicroSettings {
  warmupCalls: number;
  /**
   * Warm-up also lasts at least this long: a process's first large allocations and first JIT tiers
   * can make the first few calls many times slower than the rest.
   */
  warmupSeconds: number;
  minSamples: number;
  maxTime: number;
}

export interface W3Settings extends MicroSettings {
  sizes: number[];
  /** Window length of the paired peak measurement (paired.ts), for the wasm backend's products. */
  pairedWindowMs: number;
}

export interface W4Settings extends MicroSettings {
  shape: [number, number];
  activations: string[];
  options: Record<string, { alpha: number }>;
}

export interface WorkloadSettings {
  w1: W1Settings;
  w2: W2Settings;
  w3: W3Settings;
  w4: W4Settings;
}

/**
 * The settings a run uses. `full` is the spec as written. `quick` keeps every workload and every
 * peer but trims the timed windows so the whole command fits in about two minutes; W1 still trains
 * all 200 epochs because time-to-200-epochs and the accuracy bar need them.
 */
export function settingsFor(mode: 'quick' | 'full'): WorkloadSettings {
  const { w1, w2, w3, w4 } = workloads;
  const full = mode === 'full';
  return {
    w1: { epochs: w1.epochs, warmupEpochs: w1.warmupEpochs, batchSize: w1.batchSize, lr: w1.optimizer.lr },
    w2: {
      batchSize: w2.batchSize,
      lr: w2.optimizer.lr,
      beta1: w2.optimizer.beta1,
      beta2: w2.optimizer.beta2,
      eps: w2.optimizer.eps,
      warmupSteps: full ? w2.warmupSteps : 3,
      minTimedSteps: full ? w2.minTimedSteps : 8,
      minTimedSeconds: full ? w2.minTimedSeconds : 0.5,
      wholePasses: full,
    },
    w3: {
      sizes: [...w3.sizes],
      warmupCalls: full ? w3.warmupCalls : 1,
      warmupSeconds: full ? 0.25 : 0.1,
      minSamples: full ? w3.minTimedCalls : 2,
      maxTime: full ? w3.minTimedSeconds : 0.25,
      pairedWindowMs: full ? 60 : 20,
    },
    w4: {
      shape: [w4.shape[0]!, w4.shape[1]!],
      activations: [...w4.activations],
      options: w4.options,
      warmupCalls: full ? w4.warmupCalls : 1,
      warmupSeconds: full ? 0.25 : 0.1,
      minSamples: full ? w4.minTimedCalls : 2,
      maxTime: full ? w4.minTimedSeconds : 0.1,
    },
  };
}
