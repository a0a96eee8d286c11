/**
 * The gemm and Adam step of a native module bound to one memory: the same names and arguments
 * as the WebAssembly module's (byte addresses into the memory, strides in elements), so the
 * backend's thread pool runs them as it runs the module's, each thread on its own part.
 */
export interface NativeGemmExports {
  /**
   * C[m×n] (row stride `cRs`) = A·B, or += when `accumulate` is 1; A, B, C and `scratch` (this
   * thread's `gemmScratchBytes()` bytes) are byte addresses into the memory.
   */
  gemm(m: number, n: number, k: number, a: number, aRs: number, aCs: number,
    b: number, bRs: number, bCs: number, c: number, cRs: number, accumulate: number, scratch: number): void;
  /**
   * Adam's step over elements [lo, hi) of a model's parameters, as the module's `adamAllF32`
   * (packages/tensor/asm/adam.ts) takes it and with its bits: a table of `count` (w, g, m, v, n)
   * entries and the nine constants, at byte addresses in the memory.
   */
  adamAllF32(count: number, table: number, consts: number, lo: number, hi: number): void;
  /** Rows of the register tile: row blocks that are multiples of it have no edge tile. */
  gemmTileRows(): number;
  /** Columns of a packed B panel: a product split across threads is cut on multiples of it. */
  gemmPanelCols(): number;
  /** Bytes of scratch one thread needs. */
  gemmScratchBytes(): number;
  /** The instruction set the functions run (e.g. `avx512`). */
  readonly isa: string;
}

/**
 * A gemm in native code for the wasm backend to run in place of its module's
 * (`@actgrad/native` provides one): the backend keeps its memory, heap, elementwise
 * kernels and thread pool, and each thread calls the native functions on the shared memory.
 */
export interface NativeGemm {
  /** The backend's name with this gemm, e.g. `'native'`. */
  readonly name: string;
  /** A file each worker thread loads with `require()`; its `bind` export is called as below. */
  readonly file: string;
  /** The instruction set to ask `bind` for (undefined: the fastest this CPU runs). */
  readonly isa?: string;
  /**
   * Binds the functions to a memory: `view` is a Float32Array over all of it, and `sizeSlot`
   * the byte address of the u32 where the heap keeps its size in 64 KiB pages (the native
   * side checks every address against it).
   */
  bind(view: Float32Array, sizeSlot: number, isa?: string): NativeGemmExports;
}

/** What each worker thread loads to run a native gemm: `require(file).bind(view, sizeSlot, isa)`. */
export interface NativeWorkerSpec {
  file: string;
  sizeSlot: number;
  isa: string;
}
