import type { WasmMemory } from './webassembly.js';

/**
 * Float32 storage inside one shared `WebAssembly.Memory`, so the kernels read
 * tensors in place. Regions are handed out as `Float32Array` views; when a view
 * is garbage-collected its region goes back to a free list keyed by size class.
 *
 * The memory is shared (a `SharedArrayBuffer`) because the worker threads
 * compute on the same tensors. Shared memory never detaches on growth: a view
 * made before a `grow()` still covers its region. What does change is
 * `memory.buffer`, so every view this module makes over the whole memory is
 * re-created after growth (`f32()`), and `owns()` remembers every buffer object
 * the memory has had.
 *
 * Caveat: a region is recycled when the `Float32Array` returned by `alloc` is
 * collected, so a `subarray()` of it must not outlive it.
 */

const PAGE = 65536;
const ALIGN = 64;

/** Size classes: multiples of 64 bytes up to 4 KiB, then four steps per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const top = 2 ** Math.floor(Math.log2(bytes));
  const step = top / 4;
  return Math.ceil(bytes / step) * step;
}

/** A snapshot of the wasm heap's memory use, from `WasmBackend.heap.stats()`. */
export interface HeapStats {
  /** Bytes of the memory (grows, never shrinks). */
  memoryBytes: number;
  /** Bytes below the bump pointer. */
  reservedBytes: number;
  /** Bytes in regions waiting on the free lists. */
  freeBytes: number;
  /** Times the memory has grown. */
  grows: number;
}

export class WasmHeap {
  readonly memory: WasmMemory;
  private top: number;
  private view: Float32Array;
  private viewBytes: number;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly free = new Map<number, number[]>();
  private readonly classOf = new Map<number, number>();
  private freeBytes = 0;
  private grows = 0;
  private slot = -1;
  private readonly registry = new FinalizationRegistry<number>((ptr) => this.release(ptr));

  /** Bytes below which `allocF32` hands out tensor storage (the kernels' own regions may go higher). */
  tensorLimit: number;

  /** `base`: first byte the heap may hand out (everything below belongs to the module). */
  constructor(memory: WasmMemory, base: number, tensorLimit = 2 ** 28) {
    this.memory = memory;
    this.tensorLimit = tensorLimit;
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.view = new Float32Array(memory.buffer);
    this.viewBytes = memory.buffer.byteLength;
    this.buffers.add(memory.buffer);
  }

  /** A Float32Array over the whole memory, re-created if the memory grew since the last call. */
  f32(): Float32Array {
    const buffer = this.memory.buffer;
    if (buffer.byteLength !== this.viewBytes) {
      this.view = new Float32Array(buffer);
      this.viewBytes = buffer.byteLength;
      this.buffers.add(buffer);
      if (this.slot >= 0) new Uint32Array(buffer, this.slot, 1)[0] = buffer.byteLength / PAGE;
    }
    return this.view;
  }

  /**
   * Byte address of a u32 in the memory that holds its size in 64 KiB pages, kept current as
   * it grows: native code that reads the memory checks its addresses against it.
   */
  sizeSlot(): number {
    if (this.slot < 0) {
      const slot = this.reserve(4);
      if (slot < 0) throw new RangeError('wasm heap: the memory is full');
      this.slot = slot;
      new Uint32Array(this.memory.buffer, slot, 1)[0] = this.memory.buffer.byteLength / PAGE;
    }
    return this.slot;
  }

  /** Whether `array` lives in this heap's memory (then its kernels can read it in place). */
  owns(array: ArrayBufferView): boolean {
    const buffer = array.buffer;
    // Most arrays asked about were made over the current buffer: skip the memory's getter.
    if (buffer === this.view.buffer) return true;
    this.f32();
    return this.buffers.has(buffer);
  }

  /**
   * A zero-filled Float32Array view of `length` elements in the memory, freed
   * when the view is collected; `null` when the memory cannot grow that far.
   */
  allocF32(length: number): Float32Array | null {
    // Collected views return their regions only after a garbage collection, and
    // views over wasm memory put no pressure on the collector: a loop that
    // allocates without `tidy` would grow the memory to its maximum. Past
    // `tensorLimit` bytes, storage comes from the ordinary heap instead, whose
    // growth does trigger collections (which then free regions here too).
    const cls = sizeClass(length * 4);
    if (this.top + cls > this.tensorLimit && !this.free.get(cls)?.length) return null;
    const ptr = this.reserve(length * 4);
    if (ptr < 0) return null;
    const view = new Float32Array(this.f32().buffer, ptr, length);
    this.registry.register(view, ptr);
    return view;
  }

  /**
   * A region of at least `bytes` bytes (64-byte aligned) that the caller frees
   * with `release`; its contents are zero. Returns -1 when the memory is full.
   */
  reserve(bytes: number): number {
    const cls = sizeClass(bytes);
    const list = this.free.get(cls);
    let ptr = list?.pop();
    if (ptr !== undefined) {
      this.freeBytes -= cls;
      new Uint8Array(this.f32().buffer, ptr, cls).fill(0);
    } else {
      if (!this.ensure(this.top + cls)) return -1;
      ptr = this.top;
      this.top += cls;
    }
    this.classOf.set(ptr, cls);
    return ptr;
  }

  /** Returns a region from `reserve` (or from a collected view) to its free list. */
  release(ptr: number): void {
    const cls = this.classOf.get(ptr);
    if (cls === undefined) return;
    this.classOf.delete(ptr);
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(ptr);
    this.freeBytes += cls;
  }

  stats(): HeapStats {
    return { memoryBytes: this.memory.buffer.byteLength, reservedBytes: this.top, freeBytes: this.freeBytes, grows: this.grows };
  }

  /** Grows the memory so `end` bytes fit: doubling while small, to amortise, then in 64 MiB steps. */
  private ensure(end: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return true;
    const needPages = Math.ceil((end - have) / PAGE);
    const wantPages = Math.max(needPages, Math.ceil(Math.min(have, 2 ** 26) / PAGE));
    for (const pages of [wantPages, needPages]) {
      try {
        this.memory.grow(pages);
        this.grows++;
        this.f32();
        return true;
      } catch {
        // Past the maximum or out of address space: try the exact need, then give up.
      }
    }
    return false;
  }
}
