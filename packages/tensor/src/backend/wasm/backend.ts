import { availableParallelism } from 'node:os';
import type { DType, FloatArray } from '../../dtype.js';
import { jsKernels } from '../js-elementwise.js';
import type { Backend, MatrixOperand, MatrixOutput } from '../types.js';
import { createAdam, createElementwiseKernels, type ElementwiseExports } from './elementwise.js';
import { WasmHeap } from './heap.js';
import { wasmModuleBase64 } from './module.generated.js';
import { CONTROL_BYTES, GemmPool } from './pool.js';
import { wasmApi } from './webassembly.js';
import type { WasmMemory } from './webassembly.js';

interface KernelExports extends ElementwiseExports {
  gemm(
    m: number, n: number, k: number,
    a: number, aRs: number, aCs: number,
    b: number, bRs: number, bCs: number,
    c: number, cRs: number,
    accumulate: number, scratch: number,
  ): void;
  gemmScratchBytes(): number;
}

export interface WasmBackendOptions {
  /** Threads that share a large matmul, the main one included (default: all cores). */
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
}

/** The wasm backend's own API beyond `Backend`: threading and memory statistics. */
export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  /** Threads a large matmul is split across (1 = main thread only). */
  threads: number;
  /** m·n·k at or above which a matmul is split across threads. */
  parallelThreshold: number;
  /** The same while the workers are awake from a previous split (they spin briefly before sleeping). */
  hotParallelThreshold: number;
  readonly heap: WasmHeap;
  /** Pause splitting after a split that did not pay (see `WasmBackendOptions.adaptive`). */
  adaptive: boolean;
  /**
   * Matmuls split across threads, splits that did not pay (each pauses splitting), and
   * worker jobs the main thread redid because a worker failed.
   */
  readonly counters: { splitCalls: number; slowSplits: number; workerFailures: number };
  /** Starts the worker threads now and resolves once they take jobs (otherwise they start on the first large matmul). */
  warmUp(): Promise<void>;
  /** Stops the worker threads (they restart on the next large matmul). */
  close(): Promise<void>;
}

const ARG_COUNT = 13;

/**
 * Creates the WebAssembly SIMD backend. Float32 storage lives in a shared
 * `WebAssembly.Memory` that the kernels read in place; float64 work and
 * anything else the module does not cover goes to `fallback` (the reference
 * backend). Throws when WebAssembly SIMD or shared memory is unavailable.
 */
export function createWasmBackend(fallback: Backend, options: WasmBackendOptions = {}): WasmBackend {
  if (!wasmApi) throw new Error('this runtime has no WebAssembly');
  const module = new wasmApi.Module(Buffer.from(wasmModuleBase64, 'base64'));
  const memory = createMemory(options.initialPages ?? 256, options.maximumPages ?? 65536);
  const exports = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  // The module has no data segment: the heap may start right after the null page guard.
  const heap = new WasmHeap(memory, 1024, options.tensorLimit);
  const scratchBytes = exports.gemmScratchBytes();
  const mainScratch = heap.reserve(scratchBytes);
  const scalarSlot = heap.reserve(16);
  const cores = options.threads ?? Math.max(1, availableParallelism());

  let pool: GemmPool | null = null;
  let workerScratch: number[] = [];
  let stage = -1;
  let stageBytes = 0;
  const args = new Int32Array(ARG_COUNT);
  // When the cores are busy with other processes a worker can wait milliseconds
  // for CPU time, and a split then costs more than it saves. After such a split
  // the next `skip` large products stay on one thread; the pause doubles with
  // each further miss and resets after a split that pays.
  let skip = 0;
  let backoff = 0;

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

  function startPool(): void {
    const workers = backend.threads - 1;
    workerScratch = [];
    const controls: number[] = [];
    for (let i = 0; i < workers; i++) {
      workerScratch.push(heap.reserve(scratchBytes));
      controls.push(heap.reserve(CONTROL_BYTES));
    }
    pool = new GemmPool(module, memory, controls);
  }

  /** Runs the kernel, split by rows or columns of C across the ready threads when the product is large. */
  function run(m: number, n: number, k: number, a: number, aRs: number, aCs: number,
    b: number, bRs: number, bCs: number, c: number, cRs: number, acc: number): void {
    let parts = 1;
    const size = m * n * k;
    if (backend.threads > 1 && size >= backend.hotParallelThreshold) {
      if (!pool) startPool();
      if (size >= backend.parallelThreshold || pool!.hot()) {
        parts = 1 + Math.min(pool!.readyCount(), backend.threads - 1);
        if (parts > 1 && skip > 0) {
          skip--;
          parts = 1;
        }
      }
    }
    if (parts === 1) {
      exports.gemm(m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, mainScratch);
      return;
    }
    // Each thread packs the part of B it multiplies, and the part of A too unless
    // A is row-major (read in place). Splitting the columns of C halves each
    // thread's B packing; splitting the rows halves its A packing. Columns are cut
    // on 16 floats (64-byte lines of C), rows on the 4-row register tile.
    const byRows = aCs === 1 ? n < 64 * parts && m >= n : m >= n;
    const unit = byRows ? 4 : 16;
    const total = byRows ? m : n;
    const chunk = Math.ceil(total / parts / unit) * unit;
    const jobs: number[][] = [];
    for (let start = 0; start < total; start += chunk) {
      const len = Math.min(chunk, total - start);
      jobs.push(byRows
        ? [len, n, k, a + start * aRs * 4, aRs, aCs, b, bRs, bCs, c + start * cRs * 4, cRs, acc]
        : [m, len, k, a, aRs, aCs, b + start * bCs * 4, bRs, bCs, c + start * 4, cRs, acc]);
    }
    if (jobs.length === 1) {
      exports.gemm(m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, acc, mainScratch);
      return;
    }
    const p = pool!;
    backend.counters.splitCalls++;
    for (let w = 1; w < jobs.length; w++) {
      const job = jobs[w]!;
      for (let j = 0; j < 12; j++) args[j] = job[j]!;
      args[12] = workerScratch[w - 1]!;
      p.start(w - 1, args);
    }
    const own = jobs[0]!;
    const t0 = performance.now();
    exports.gemm(own[0]!, own[1]!, own[2]!, own[3]!, own[4]!, own[5]!, own[6]!, own[7]!, own[8]!, own[9]!, own[10]!, own[11]!, mainScratch);
    const t1 = performance.now();
    for (let w = 1; w < jobs.length; w++) {
      if (!p.finish(w - 1)) {
        backend.counters.workerFailures++;
        const job = jobs[w]!;
        exports.gemm(job[0]!, job[1]!, job[2]!, job[3]!, job[4]!, job[5]!, job[6]!, job[7]!, job[8]!, job[9]!, job[10]!, job[11]!, mainScratch);
      }
    }
    if (backend.adaptive) {
      // The main thread's share, scaled up, estimates the single-threaded time.
      const single = (t1 - t0) * (total / Math.min(chunk, total));
      if (performance.now() - t0 > 0.85 * single) {
        backend.counters.slowSplits++;
        backoff = Math.min(Math.max(2 * backoff, 4), 256);
        skip = backoff;
      } else {
        backoff = 0;
      }
    }
  }

  const backend: WasmBackend = {
    name: 'wasm',
    threads: cores,
    parallelThreshold: options.parallelThreshold ?? 2 ** 23,
    hotParallelThreshold: options.hotParallelThreshold ?? 2 ** 20,
    heap,
    adaptive: options.adaptive ?? true,
    counters: { splitCalls: 0, slowSplits: 0, workerFailures: 0 },
    kernels: createElementwiseKernels(exports, heap, scalarSlot, jsKernels),
    adam: createAdam(exports, heap),

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
        run(m, n, k, ap, a.rowStride, a.colStride, bp, b.rowStride, b.colStride,
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
      run(m, n, k, ap, a.rowStride, a.colStride, bp, b.rowStride, b.colStride, cp, c.rowStride, acc);
      if (!inC) {
        const lo = c.offset + Math.min(0, (m - 1) * c.rowStride);
        const len = Math.abs((m - 1) * c.rowStride) + n;
        const start = (cp >> 2) - (c.offset - lo);
        const heapF32 = heap.f32(), out = c.data;
        if (len < 1024) for (let i = 0; i < len; i++) out[lo + i] = heapF32[start + i]!;
        else out.set(heapF32.subarray(start, start + len), lo);
      }
    },

    async warmUp(): Promise<void> {
      if (backend.threads <= 1) return;
      if (!pool) startPool();
      const started = Date.now();
      while (pool!.readyCount() < Math.min(pool!.aliveCount(), backend.threads - 1)) {
        if (Date.now() - started > 30_000) throw new Error('wasm backend: worker threads did not start within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      if (pool!.error) throw new Error(`wasm backend: a worker thread failed: ${pool!.error.message}`);
    },

    async close(): Promise<void> {
      const p = pool;
      pool = null;
      if (!p) return;
      await p.close();
      for (const s of workerScratch) heap.release(s);
      workerScratch = [];
    },
  };
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
