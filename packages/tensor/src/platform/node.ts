// What the tensor package needs from its runtime, for Node.js. Bundlers that target a
// browser pick ./browser.ts instead (the `#platform` entry of package.json "imports"),
// so no Node built-in reaches a browser bundle. Both files export the same names.
import { availableParallelism } from 'node:os';

export { Worker } from 'node:worker_threads';

/** Threads this runtime can run at once. */
export function hardwareThreads(): number {
  return availableParallelism();
}

/** Bytes of a base64 string (Buffer: several times faster than atob for the 88 KB wasm module). */
export function decodeBase64(text: string): Uint8Array {
  return Buffer.from(text, 'base64');
}
