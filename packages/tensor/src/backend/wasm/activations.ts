import type { FloatArray } from '../../dtype.js';
import type { NamedKernel } from '../types.js';
import type { WasmHeap } from './heap.js';

/** The activation exports of the kernels' module (see asm/activations.ts). */
export interface ActivationExports {
  activationForwardF32(op: number, n: number, s: number, a: number, alpha: number): void;
  activationBackwardF32(op: number, n: number, g: number, saved: number, dx: number, alpha: number): void;
  softmaxRowsF32(rows: number, len: number, s: number, a: number): void;
  softmaxRowsBackwardF32(rows: number, len: number, g: number, a: number, dx: number): void;
  logSoftmaxRowsF32(rows: number, len: number, s: number, y: number): void;
  logSoftmaxRowsBackwardF32(rows: number, len: number, g: number, y: number, dx: number): void;
  preluF32(n: number, channels: number, inner: number, v: number, s: number, alpha: number, out: number): void;
  preluAlphaGradF32(n: number, channels: number, inner: number, g: number, s: number, dAlpha: number): void;
  constantTableBytes(): number;
  setConstantTable(ptr: number): void;
}

// Op codes of asm/activations.ts and asm/activations-modern.ts. Each is registered as the named
// kernels `<name>.forward` and `<name>.backward`; the ids, the argument layout and the reference
// loops belong to the activation's definition in @actgrad/autograd (src/activations/*.ts), whose
// parity test (autograd/test/wasm-activations.test.ts) runs every id registered here.
const OPS = { sigmoid: 0, tanh: 1, relu: 2, leakyRelu: 3, elu: 4, selu: 5, gelu: 6, silu: 7, softplus: 8 } as const;

/** Below this many elements the call into wasm costs more than the loop it replaces. */
const MIN_LENGTH = 64;

/**
 * The activation, (log-)softmax-row and PReLU kernels for float32 runs in the module's memory, by
 * named-kernel id. They return false (and the caller runs its reference loop) for float64, short
 * runs, or arrays outside the memory. Softmax rows are the last axis (inner = 1) only.
 */
export function createActivationKernels(wasm: ActivationExports, heap: WasmHeap): Map<string, NamedKernel> {
  // The kernels read their vector constants from a table in the memory (see asm/constants.ts).
  const table = heap.reserve(wasm.constantTableBytes());
  if (table < 0) throw new RangeError('wasm backend: no memory for the activation kernels\' constants');
  wasm.setConstantTable(table);
  const ptr = (array: FloatArray, offset: number): number => array.byteOffset + offset * 4;
  const inMemory = (array: FloatArray): boolean => array instanceof Float32Array && heap.owns(array);
  const usable = (n: number, array: FloatArray): boolean => n >= MIN_LENGTH && inMemory(array);
  const named = new Map<string, NamedKernel>();

  for (const [name, code] of Object.entries(OPS)) {
    named.set(`${name}.forward`, (n: number, s: FloatArray, so: number, a: FloatArray, ao: number, alpha: number): boolean => {
      if (!usable(n, s) || !usable(n, a)) return false;
      wasm.activationForwardF32(code, n, ptr(s, so), ptr(a, ao), alpha);
      return true;
    });
    named.set(`${name}.backward`, (n: number, g: FloatArray, go: number, saved: FloatArray, so: number,
      dx: FloatArray, dxo: number, alpha: number): boolean => {
      if (!usable(n, g) || !usable(n, saved) || !usable(n, dx)) return false;
      wasm.activationBackwardF32(code, n, ptr(g, go), ptr(saved, so), ptr(dx, dxo), alpha);
      return true;
    });
  }
  named.set('softmax.forward', (rows: number, len: number, s: FloatArray, so: number, a: FloatArray, ao: number): boolean => {
    const n = rows * len;
    if (len < 4 || !usable(n, s) || !usable(n, a)) return false;
    wasm.softmaxRowsF32(rows, len, ptr(s, so), ptr(a, ao));
    return true;
  });
  named.set('softmax.backward', (rows: number, len: number, g: FloatArray, go: number, a: FloatArray, ao: number,
    dx: FloatArray, dxo: number): boolean => {
    const n = rows * len;
    if (len < 4 || !usable(n, g) || !usable(n, a) || !usable(n, dx)) return false;
    wasm.softmaxRowsBackwardF32(rows, len, ptr(g, go), ptr(a, ao), ptr(dx, dxo));
    return true;
  });
  named.set('logSoftmax.forward', (rows: number, len: number, s: FloatArray, so: number, y: FloatArray, yo: number): boolean => {
    const n = rows * len;
    if (len < 4 || !usable(n, s) || !usable(n, y)) return false;
    wasm.logSoftmaxRowsF32(rows, len, ptr(s, so), ptr(y, yo));
    return true;
  });
  named.set('logSoftmax.backward', (rows: number, len: number, g: FloatArray, go: number, y: FloatArray, yo: number,
    dx: FloatArray, dxo: number): boolean => {
    const n = rows * len;
    if (len < 4 || !usable(n, g) || !usable(n, y) || !usable(n, dx)) return false;
    wasm.logSoftmaxRowsBackwardF32(rows, len, ptr(g, go), ptr(y, yo), ptr(dx, dxo));
    return true;
  });
  named.set('prelu.select', (n: number, channels: number, inner: number, v: FloatArray, vo: number, s: FloatArray, so: number,
    alpha: FloatArray, alo: number, out: FloatArray, outo: number): boolean => {
    if (!usable(n, v) || !usable(n, s) || !usable(n, out) || !inMemory(alpha)) return false;
    wasm.preluF32(n, channels, inner, ptr(v, vo), ptr(s, so), ptr(alpha, alo), ptr(out, outo));
    return true;
  });
  named.set('prelu.alphaGrad', (n: number, channels: number, inner: number, g: FloatArray, go: number, s: FloatArray, so: number,
    dAlpha: FloatArray, dao: number): boolean => {
    if (!usable(n, g) || !usable(n, s) || !inMemory(dAlpha)) return false;
    wasm.preluAlphaGradF32(n, channels, inner, ptr(g, go), ptr(s, so), ptr(dAlpha, dao));
    return true;
  });
  return named;
}
