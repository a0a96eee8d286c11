// The slice of the WebAssembly JS API this backend uses. The repository's
// TypeScript lib is ES2022 without DOM, which declares no WebAssembly types,
// so they are spelled out here rather than pulling in a DOM lib for all packages.

export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}

/** A compiled module; opaque, and transferable to worker threads. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

/** The global `WebAssembly` object, or `undefined` in a runtime without one. */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
