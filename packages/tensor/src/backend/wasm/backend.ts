import { decodeBase64, hardwareThreads } from '#platform';
import type { DType, FloatArray } from '../../dtype.js';
import { jsKernels } from '../js-elementwise.js';
import type { Backend, MatrixOperand, MatrixOutput } from '../types.js';
import { createActivationKernels, type ActivationExports } from './activations.js';
import { createAdam, createAdamAll } from './adam.js';
import { createElementwiseKernels, type ElementwiseExports } from './elementwise.js';
import { WasmHeap } from './heap.js';
import { wasmModuleBase64 } from './module.generated.js';
import type { NativeGemm } from './native-gemm.js';
import { ParallelGemm, type GemmKernel } from './parallel-gemm.js';
import { loadFmaGemm, relaxedSimdSetting, type GemmVariant, type RelaxedSimdSetting } from './relaxed-simd.js';
import { wasmApi } from './webassembly.js';
import type { WasmMemory } from './webassembly.js';

interface KernelExports extends ElementwiseExports, ActivationExports {
  gemm: GemmKernel;
  gemmScratchBytes(): number;
}

/** Options of {@link createWasmBackend}: threads and when to split, memory sizes, which gemm runs. */
export interface WasmBackendOptions {
  /** Threads that share a large matmul, the main one included (default: all cores, at most 8). */
  threads?: number;
  /**
   * Products with m·n·k below this run on one thread. The default, 2^23 (about
   * 0.4 ms of work on one core), lets the main thread finish its half while a
   * sleeping worker wakes (up to ~0.15 ms), so the split never costs time.
   */
  parallelThreshold?: number;
  /** The same while the workers are still spinning from the previous job (default 2^20). */
  hotParallelThreshold?: number;
  /** Pause splitting after a split that did not pay, e.g. on a machine busy with other work (default true). */
  adaptive?: boolean;
  /** Initial memory in 64 KiB pages (default 256 = 16 MiB); it grows on demand. */
  initialPages?: number;
  /** Memory limit in 64 KiB pages (default 65536 = 4 GiB). */
  maximumPages?: number;
  /** Bytes of the memory given to tensor storage before `alloc` falls back to ordinary arrays (default 256 MiB). */
  tensorLimit?: number;
  /**
   * The fused multiply-add gemm (relaxed SIMD): `'auto'` (default) uses it where the
   * runtime can, `false` keeps the plain SIMD one. `ACTGRAD_RELAXED_SIMD=1|0` overrides `'auto'`.
   */
  relaxedSimd?: RelaxedSimdSetting;
  /**
   * A gemm in native code to run in place of the module's (see {@link NativeGemm}); the backend
   * then takes its name. `@actgrad/native` passes one.
   */
  native?: NativeGemm;
}

/** The wasm backend's own API beyond `Backend`: threading and memory statistics. */
export interface WasmBackend extends Backend {
  /** `'wasm'`, or the native gemm's name (`'native'`) when it runs one. */
  readonly name: string;
  /** Threads a large matmul is split across (1 = main thread only). */
  threads: number;
  /** m·n·k at or above which a matmul is split across threads. */
  parallelThreshold: number;
  /** The same while the workers are awake from a previous split (they spin briefly before sleeping). */
  hotParallelThreshold: number;
  readonly heap: WasmHeap;
  /** Which gemm runs (fused multiply-add or plain SIMD, or native code) and why. */
  readonly gemmVariant: GemmVariant;
  /** Pause splitting after a split that did not pay (see `WasmBackendOptions.adaptive`). */
  adaptive: boolean;
  /**
   * Matmuls split across threads, splits that did not pay (each pauses splitting), worker
   * jobs the main thread redid because a worker failed, and Adam steps (`adam.stepAll`)
   * shared with the workers.
   */
  readonly counters: { splitCalls: number; slowSplits: number; workerFailures: number; adamSplits: number };
  /** Starts the worker threads now and resolves once they take jobs (otherwise they start on the first large matmul). */
  warmUp(): Promise<void>;
  /** Stops the worker threads (they restart on the next large matmul). */
  close(): Promise<void>;
}

/**
 * Creates the WebAssembly SIMD backend. Float32 storage lives in a shared
 * `WebAssembly.Memory` that the kernels read in place; float64 work and
 * anything else the module does not cover goes to `fallback` (the reference
 * backend). Throws when WebAssembly SIMD or shared memory is unavailable.
 */
export function createWasmBackend(fallback: Backend, options: WasmBackendOptions = {}): WasmBackend {
  if (!wasmApi) throw new Error('this runtime has no WebAssembly');
  const module = new wasmApi.Module(decodeBase64(wasmModuleBase64));
  const memory = createMemory(options.initialPages ?? 256, options.maximumPages ?? 65536);
  const exports = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const fma = loadFmaGemm(relaxedSimdSetting(options.relaxedSimd));
  const gemmModule = fma.module ?? module;
  // The module has no data segment: the heap may start right after the null page guard.
  const heap = new WasmHeap(memory, 1024, options.tensorLimit);
  const native = options.native;
  const bound = native?.bind(heap.f32(), heap.sizeSlot(), native.isa);
  const gemmExports = bound ?? (fma.module
    ? (new wasmApi.Instance(fma.module, { env: { memory } }).exports as unknown as Pick<KernelExports, 'gemm' | 'gemmScratchBytes'>)
    : exports);
  const variant: GemmVariant = native && bound
    ? { fma: bound.isa !== 'generic', reason: `native ${bound.isa} gemm (${native.name})`, native: bound.isa }
    : fma.variant;
  const scalarSlot = heap.reserve(16);
  let stage = -1;
  let stageBytes = 0;

  /** Byte address of a float32 operand, copying it into the staging area if it lives outside the memory. */
  function locate(data: FloatArray, offset: number, rows: number, rs: number, cols: number, cs: number, at: number, copyIn = true): number {
    if (heap.owns(data)) return data.byteOffset + offset * 4;
    const lo = offset + Math.min(0, (rows - 1) * rs) + Math.min(0, (cols - 1) * cs);
    const hi = offset + Math.max(0, (rows - 1) * rs) + Math.max(0, (cols - 1) * cs);
    if (!copyIn) return at + (offset - lo) * 4;
    const heapF32 = heap.f32();
    const dst = (at >> 2) - lo;
    // Small operands are copied by a loop: subarray() would allocate a view per call.
    if (hi - lo < 1024) for (let i = lo; i <= hi; i++) heapF32[dst + i] = data[i]!;
    else heapF32.set(data.subarray(lo, hi + 1), at >> 2);
    return at + (offset - lo) * 4;
  }

  function spanBytes(rows: number, rs: number, cols: number, cs: number): number {
    return (Math.abs((rows - 1) * rs) + Math.abs((cols - 1) * cs) + 1) * 4 + 64;
  }

  function ensureStage(bytes: number): number {
    if (bytes > stageBytes) {
      if (stage >= 0) heap.release(stage);
      stage = heap.reserve(bytes);
      if (stage < 0) throw new RangeError(`wasm backend: out of memory staging ${bytes} bytes for a matmul`);
      stageBytes = bytes;
    }
    return stage;
  }

  const backend: WasmBackend = {
    name: native?.name ?? 'wasm',
    // Beyond a few threads the matmuls of small networks are too short to share out.
    threads: options.threads ?? Math.max(1, Math.min(8, hardwareThreads())),
    parallelThreshold: options.parallelThreshold ?? 2 ** 23,
    hotParallelThreshold: options.hotParallelThreshold ?? 2 ** 20,
    heap,
    gemmVariant: variant,
    adaptive: options.adaptive ?? true,
    counters: { splitCalls: 0, slowSplits: 0, workerFailures: 0, adamSplits: 0 },
    kernels: createElementwiseKernels(exports, heap, scalarSlot, jsKernels),
    named: new Map([...createActivationKernels(exports, heap), ['adam.step', createAdam(exports, heap)],
      ['adam.stepAll', createAdamAll(heap, (count, table, consts, total) => parallel.adamAll(count, table, consts, total))]]),

    alloc(dtype: DType, length: number): FloatArray {
      if (dtype !== 'float32' || length === 0) return fallback.alloc(dtype, length);
      // A full memory degrades to ordinary storage, which the kernels copy in.
      return heap.allocF32(length) ?? fallback.alloc(dtype, length);
    },

    gemm(m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, c: MatrixOutput, accumulate: boolean): void {
      if (!(c.data instanceof Float32Array)) {
        fallback.gemm(m, n, k, a, b, c, accumulate);
        return;
      }
      if (m === 0 || n === 0) return;
      const acc = accumulate ? 1 : 0;
      const inA = k === 0 || heap.owns(a.data);
      const inB = k === 0 || heap.owns(b.data);
      const inC = heap.owns(c.data);
      if (inA && inB && inC) {
        const ap = k === 0 ? 0 : a.data.byteOffset + a.offset * 4;
        const bp = k === 0 ? 0 : b.data.byteOffset + b.offset * 4;
        parallel.run(m, n, k, ap, a.rowStride, a.colStride, bp, b.rowStride, b.colStride,
          c.data.byteOffset + c.offset * 4, c.rowStride, acc);
        return;
      }
      // Some operand lives outside the memory: stage A, B and C side by side.
      const aBytes = inA ? 0 : spanBytes(m, a.rowStride, k, a.colStride);
      const bBytes = inB ? 0 : spanBytes(k, b.rowStride, n, b.colStride);
      const cBytes = inC ? 0 : spanBytes(m, c.rowStride, n, 1);
      const base = ensureStage(aBytes + bBytes + cBytes);
      const ap = k === 0 ? 0 : locate(a.data, a.offset, m, a.rowStride, k, a.colStride, base);
      const bp = k === 0 ? 0 : locate(b.data, b.offset, k, b.rowStride, n, b.colStride, base + aBytes);
      // An output overwritten whole (no accumulation, no gaps between rows) needs no copy in.
      const copyIn = accumulate || (m > 1 && c.rowStride !== n);
      const cp = locate(c.data, c.offset, m, c.rowStride, n, 1, base + aBytes + bBytes, copyIn);
      parallel.run(m, n, k, ap, a.rowStride, a.colStride, bp, b.rowStride, b.colStride, cp, c.rowStride, acc);
      if (!inC) {
        const lo = c.offset + Math.min(0, (m - 1) * c.rowStride);
        const len = Math.abs((m - 1) * c.rowStride) + n;
        const start = (cp >> 2) - (c.offset - lo);
        const heapF32 = heap.f32(), out = c.data;
        if (len < 1024) for (let i = 0; i < len; i++) out[lo + i] = heapF32[start + i]!;
        else out.set(heapF32.subarray(start, start + len), lo);
      }
    },

    warmUp: () => parallel.warmUp(),
    close: () => parallel.close(),
  };
  const parallel = new ParallelGemm(gemmExports.gemm, gemmExports.gemmScratchBytes(), gemmModule, memory, heap, backend,
    native && bound ? { exports: bound, worker: { file: native.file, sizeSlot: heap.sizeSlot(), isa: bound.isa } } : undefined);
  return backend;
}

function createMemory(initial: number, maximum: number): WasmMemory {
  // Shared memory reserves its whole maximum of address space up front; where
  // that is refused, settle for less.
  let error: unknown;
  for (let max = maximum; max >= Math.max(initial, 1024); max = Math.floor(max / 4)) {
    try {
      return new wasmApi!.Memory({ initial, maximum: max, shared: true });
    } catch (e) {
      error = e;
    }
  }
  throw error instanceof Error ? error : new Error('wasm backend: cannot create shared memory');
}
