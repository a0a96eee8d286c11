// What the tensor package needs from its runtime, in a browser (or any runtime without
// Node built-ins). Same names as ./node.ts; chosen by the `browser` condition of the
// `#platform` entry in package.json "imports".
import type { Worker as NodeWorker } from 'node:worker_threads';

/**
 * The wasm backend's matmul pool runs on Node worker threads. A browser page keeps it to
 * one thread (see hardwareThreads), so this is only reached when a page asks for more.
 */
export const Worker = class {
  constructor() {
    throw new Error('wasm backend: worker threads need Node.js; in a browser use createWasmBackend(fallback, { threads: 1 })');
  }
} as unknown as typeof NodeWorker;

/**
 * One: the pool's workers are Node worker threads, and a page's main thread may not block
 * in Atomics.wait, which the pool's hand-over relies on.
 */
export function hardwareThreads(): number {
  return 1;
}

/** Bytes of a base64 string. */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
