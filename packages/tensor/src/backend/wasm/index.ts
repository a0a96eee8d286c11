import { hardwareThreads } from '#platform';
import type { Backend } from '../types.js';
import { createWasmBackend } from './backend.js';
import type { WasmBackend, WasmBackendOptions } from './backend.js';

export { createWasmBackend } from './backend.js';

export type { WasmBackend, WasmBackendOptions } from './backend.js';
export type { GemmVariant, RelaxedSimdSetting } from './relaxed-simd.js';
export type { NativeGemm, NativeGemmExports } from './native-gemm.js';
export type { HeapStats } from './heap.js';

let unavailable: string | undefined;

/**
 * The wasm backend, or `undefined` when this runtime cannot instantiate it (no
 * WebAssembly SIMD, no shared memory); `wasmUnavailableReason()` then says why.
 * `ACTGRAD_THREADS` caps the threads a large matmul uses (default: all cores, at most 8;
 * see {@link threadsFromEnvironment}).
 */
export function tryCreateWasmBackend(fallback: Backend, options: WasmBackendOptions = {}): WasmBackend | undefined {
  const threads = threadsFromEnvironment();
  try {
    const backend = createWasmBackend(fallback, { threads, ...options });
    unavailable = undefined;
    return backend;
  } catch (err) {
    unavailable = err instanceof Error ? err.message : String(err);
    return undefined;
  }
}

/**
 * The thread count `ACTGRAD_THREADS` asks for, or undefined (all cores) when it is unset or
 * not a positive integer (with a warning); a count above the cores is lowered to them, with
 * a warning, since more workers than cores only take turns (64 on 2 cores made matmul 10–20×
 * slower).
 */
export function threadsFromEnvironment(): number | undefined {
  const env = typeof process !== 'undefined' ? process.env?.ACTGRAD_THREADS : undefined;
  let threads: number | undefined = env !== undefined && env !== '' ? Number(env) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    warnOnce(`ACTGRAD_THREADS must be a positive integer, got '${env}'; using all cores`);
    threads = undefined;
  }
  const cores = hardwareThreads();
  if (threads !== undefined && threads > cores) {
    warnOnce(`ACTGRAD_THREADS=${threads} is more than the ${cores} cores of this machine; using ${cores}`);
    threads = cores;
  }
  return threads;
}

// Each backend made reads the variable (the wasm one at import, a native one when
// @actgrad/native is imported): one warning per message is enough.
const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message);
}

/** Why the wasm backend could not be created, if it could not. */
export function wasmUnavailableReason(): string | undefined {
  return unavailable;
}
