import { decodeBase64 } from '#platform';
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

/**
 * Node's `v8.setFlagsFromString`, found at run time (`process.getBuiltinModule`, Node ≥ 20.16)
 * so that this file imports nothing Node-only: browsers ship relaxed SIMD and never need it.
 */
function v8SetFlags(): ((flags: string) => void) | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?(flags: string): void } | undefined;
  return v8?.setFlagsFromString?.bind(v8);
}

/** Why the FMA gemm is or is not used: the variant, and the reason in words. */
export interface GemmVariant {
  fma: boolean;
  reason: string;
  /** The instruction set of a native gemm (`avx512`, `avx2`, `generic`); absent for the WebAssembly ones. */
  native?: string;
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
  const bytes = decodeBase64(wasmFmaGemmBase64);
  let setFlags: ((flags: string) => void) | undefined;
  let how = 'the runtime ships relaxed SIMD';
  if (!api.validate(bytes)) {
    setFlags = v8SetFlags();
    if (setFlags) {
      setFlags('--experimental-wasm-relaxed-simd');
      how = '--experimental-wasm-relaxed-simd turned on at run time';
    }
    if (!api.validate(bytes)) {
      const why = setFlags ? 'this runtime has no relaxed SIMD' : 'this runtime has no relaxed SIMD and no v8.setFlagsFromString to turn it on (Node < 20.16)';
      if (setting === true) process.emitWarning(`ACTGRAD_RELAXED_SIMD=1: ${why}; using the plain SIMD gemm`);
      return { module: undefined, variant: { fma: false, reason: why } };
    }
  }
  return { module: new wasmApi.Module(bytes), variant: { fma: true, reason: how } };
}
