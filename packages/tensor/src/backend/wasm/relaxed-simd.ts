import { setFlagsFromString } from 'node:v8';
import { wasmFmaGemmBase64 } from './gemm-fma.generated.js';
import { wasmApi } from './webassembly.js';
import type { WasmModule } from './webassembly.js';

/*
 * The FMA gemm: the same blocked kernel compiled with relaxed SIMD, whose
 * f32x4.relaxed_madd becomes one fused multiply-add (one rounding instead of a
 * product's and a sum's) on CPUs with FMA. Runtimes that ship relaxed SIMD
 * (V8 11.4+, Node 22) validate it as is; Node 20 has it behind
 * --experimental-wasm-relaxed-simd, a process-wide V8 flag that also covers
 * worker threads and must be set before the module is compiled.
 */

/** Why the FMA gemm is or is not used: the variant, and the reason in words. */
export interface GemmVariant {
  fma: boolean;
  reason: string;
}

/**
 * `'auto'` (default): FMA when the runtime validates relaxed SIMD, turning
 * Node 20's flag on to get there; `true`: the same, but say so when it fails;
 * `false`: the plain SIMD gemm. `ACTGRAD_RELAXED_SIMD=1|0` overrides `'auto'`.
 */
export type RelaxedSimdSetting = boolean | 'auto';

export function relaxedSimdSetting(option: RelaxedSimdSetting | undefined): RelaxedSimdSetting {
  if (option !== undefined && option !== 'auto') return option;
  const env = typeof process !== 'undefined' ? process.env?.ACTGRAD_RELAXED_SIMD : undefined;
  if (env === '1') return true;
  if (env === '0') return false;
  if (env !== undefined && env !== '') {
    process.emitWarning(`ACTGRAD_RELAXED_SIMD must be 1 or 0, got '${env}'; picking automatically`);
  }
  return 'auto';
}

/** The compiled FMA gemm module when `setting` allows it and the runtime can run it. */
export function loadFmaGemm(setting: RelaxedSimdSetting): { module: WasmModule | undefined; variant: GemmVariant } {
  if (setting === false) return { module: undefined, variant: { fma: false, reason: 'relaxed SIMD turned off (ACTGRAD_RELAXED_SIMD=0 or relaxedSimd: false)' } };
  const api = wasmApi as unknown as { validate?(bytes: Uint8Array): boolean } | undefined;
  if (!wasmApi || !api?.validate) return { module: undefined, variant: { fma: false, reason: 'no WebAssembly.validate' } };
  const bytes = Buffer.from(wasmFmaGemmBase64, 'base64');
  let how = 'the runtime ships relaxed SIMD';
  if (!api.validate(bytes)) {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      how = '--experimental-wasm-relaxed-simd turned on at run time';
    } catch {
      // Not a V8 runtime with Node's v8 module: fall through to the check below.
    }
    if (!api.validate(bytes)) {
      return { module: undefined, variant: { fma: false, reason: 'this runtime has no relaxed SIMD' } };
    }
  }
  return { module: new wasmApi.Module(bytes), variant: { fma: true, reason: how } };
}
