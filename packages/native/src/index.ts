/**
 * `@actgrad/native`: the WebAssembly backend with its matrix products in native code.
 *
 * Importing this package registers a backend named `'native'` and makes it the active one
 * (unless `ACTGRAD_BACKEND` names another). It is the wasm backend in every respect (its
 * memory, elementwise kernels and thread pool) but its gemm and Adam step: C compiled for
 * AVX-512, for AVX2 with FMA and for the baseline CPU, the fastest the CPU runs chosen at
 * load time (`ACTGRAD_NATIVE_ISA` picks one). WebAssembly SIMD is 128 bits wide; AVX-512
 * does four times the multiply-adds per instruction, which matmul-bound training feels.
 * The addon is built at install with the system's C compiler; nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createWasmBackend, jsBackend, registerBackend, setBackend, threadsFromEnvironment,
  type NativeGemmExports, type WasmBackend, type WasmBackendOptions,
} from '@actgrad/tensor';

/** An instruction set the native gemm is compiled for, fastest first. */
export type NativeIsa = 'avx512' | 'avx2' | 'generic';

const ISAS: readonly NativeIsa[] = ['avx512', 'avx2', 'generic'];

/** The addon's own exports (what {@link loadNativeAddon} returns). */
export interface NativeAddon {
  /**
   * The gemm bound to a shared WebAssembly.Memory: `view` is a Float32Array over all of it,
   * `sizeSlot` the byte address of a u32 in it holding its size in 64 KiB pages, and `isa` the
   * instruction set (default: the fastest this CPU runs). Every call checks its addresses
   * against that size and throws a RangeError for one outside the memory.
   */
  bind(view: Float32Array, sizeSlot: number, isa?: string): NativeGemmExports;
  /** The instruction sets this CPU runs, fastest first. */
  supportedIsas(): NativeIsa[];
}

/** The addon's path: build/actgrad_native.node beside src/ and dist/. */
export const addonPath: string = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'actgrad_native.node');

let addon: NativeAddon | undefined;

/**
 * Loads the addon (the built one by default), or throws an error that says how to build it.
 * Importing the package already did, for the registered backend.
 */
export function loadNativeAddon(path: string = addonPath): NativeAddon {
  if (path === addonPath && addon) return addon;
  if (!existsSync(path)) {
    throw new Error(`@actgrad/native: the native addon is not built (${path} is missing). Build it with `
      + '`npm rebuild @actgrad/native` (in the actgrad repository: `pnpm --filter @actgrad/native build:addon`); '
      + 'it needs a C compiler (cc, or $CC) and the headers of this Node. Without it, @actgrad/tensor runs on its WebAssembly backend.');
  }
  let loaded: NativeAddon;
  try {
    loaded = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    throw new Error(`@actgrad/native: the native addon at ${path} does not load (${err instanceof Error ? err.message : String(err)}); `
      + 'rebuild it for this Node and CPU: `npm rebuild @actgrad/native`');
  }
  if (path === addonPath) addon = loaded;
  return loaded;
}

/** The instruction sets this CPU runs the native gemm in, fastest first. */
export function supportedIsas(): NativeIsa[] {
  return loadNativeAddon().supportedIsas();
}

/** Options of {@link createNativeBackend}: the wasm backend's, and the instruction set. */
export interface NativeBackendOptions extends Omit<WasmBackendOptions, 'native' | 'relaxedSimd'> {
  /**
   * The instruction set of the gemm (default: `ACTGRAD_NATIVE_ISA` when set, else the fastest
   * this CPU runs). One the CPU lacks is an error, not a silent fallback.
   */
  isa?: NativeIsa;
  /** The backend's name (default `'native'`). */
  name?: string;
}

/**
 * A new native backend (not registered; {@link nativeBackend} is the registered one). Its
 * threads default to `ACTGRAD_THREADS`, else all cores (at most 8).
 */
export function createNativeBackend(options: NativeBackendOptions = {}): WasmBackend {
  const { isa = isaFromEnvironment(), name = 'native', ...rest } = options;
  if (isa !== undefined && !ISAS.includes(isa)) {
    throw new RangeError(`@actgrad/native: unknown instruction set '${String(isa)}' (known: ${ISAS.join(', ')})`);
  }
  const native = loadNativeAddon();
  return createWasmBackend(jsBackend, {
    threads: threadsFromEnvironment(),
    ...rest,
    native: { name, file: addonPath, isa, bind: (view, slot, want) => native.bind(view, slot, want) },
  });
}

function isaFromEnvironment(): NativeIsa | undefined {
  const env = process.env.ACTGRAD_NATIVE_ISA;
  if (env === undefined || env === '') return undefined;
  if (!ISAS.includes(env as NativeIsa)) {
    throw new RangeError(`ACTGRAD_NATIVE_ISA: unknown instruction set '${env}' (known: ${ISAS.join(', ')})`);
  }
  return env as NativeIsa;
}

/**
 * Why the native backend is the slower choice here, or undefined: on x86-64 without AVX2 the
 * portable gemm (SSE2, no fused multiply-add) runs at about half the wasm backend's FMA gemm.
 * Not said when the instruction set was asked for by name.
 */
export function slowerThanWasm(arch: string, isa: string | undefined, asked: boolean): string | undefined {
  if (asked || arch !== 'x64' || isa !== 'generic') return undefined;
  return '@actgrad/native: this CPU has neither AVX-512 nor AVX2, and the portable gemm is slower than the wasm backend\'s '
    + 'here; leave @actgrad/native out (or ACTGRAD_BACKEND=wasm) for the faster one';
}

/** The backend this import registered as `'native'`. */
export const nativeBackend: WasmBackend = createNativeBackend();
const slower = slowerThanWasm(process.arch, nativeBackend.gemmVariant.native, !!process.env.ACTGRAD_NATIVE_ISA);
if (slower) process.emitWarning(slower);
registerBackend(nativeBackend);
const requested = process.env.ACTGRAD_BACKEND;
if (!requested || requested === 'native') setBackend(nativeBackend);
