import type { FloatArray } from '../../dtype.js';
import type { AdamStep, BinaryOp, ElementwiseKernels, ReduceOp, UnaryOp } from '../types.js';
import type { WasmHeap } from './heap.js';

/** The elementwise exports of the kernels' module (see asm/elementwise.ts). */
export interface ElementwiseExports {
  binaryF32(op: number, n: number, a: number, aStride: number, b: number, bStride: number, out: number): void;
  unaryF32(op: number, n: number, x: number, out: number): void;
  axpyF32(n: number, alpha: number, x: number, y: number): void;
  sumF32(n: number, x: number): number;
  adamF32(n: number, w: number, g: number, m: number, v: number, b1: number, b2: number, a1: number, a2: number,
    stepSize: number, invSqrtC2: number, eps: number, l2: number, shrink: number): void;
}

// Op codes of asm/elementwise.ts. Ops missing here run on the reference kernels.
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
const UNARY: Partial<Record<UnaryOp, number>> = { copy: 0, neg: 1, abs: 2, sqrt: 3, square: 4, relu: 5 };

/** Below this many elements the call into wasm costs more than the loop it replaces. */
const MIN_LENGTH = 64;

/**
 * The wasm elementwise kernels: contiguous float32 runs in the module's memory
 * go to SIMD loops; everything else (float64, strided runs, short runs, ops the
 * module lacks, arrays outside the memory) goes to `reference`. Results match
 * the reference bit for bit, except whole-row sums, which add in another order.
 */
export function createElementwiseKernels(
  wasm: ElementwiseExports, heap: WasmHeap, scalarSlot: number, reference: ElementwiseKernels,
): Partial<ElementwiseKernels> {
  const ptr = (array: FloatArray, offset: number): number => array.byteOffset + offset * 4;
  const usable = (n: number, array: FloatArray): boolean =>
    n >= MIN_LENGTH && array instanceof Float32Array && heap.owns(array);
  const slot = new Float32Array(heap.f32().buffer, scalarSlot, 1);

  return {
    binary(op, n, a, ao, as, b, bo, bs, o, oo, os) {
      const code = BINARY[op];
      if (code !== undefined && os === 1 && as + bs >= 1 && as <= 1 && bs <= 1 &&
        usable(n, o) && heap.owns(a) && heap.owns(b)) {
        wasm.binaryF32(code, n, ptr(a, ao), as, ptr(b, bo), bs, ptr(o, oo));
      } else {
        reference.binary(op, n, a, ao, as, b, bo, bs, o, oo, os);
      }
    },

    binaryScalar(op, n, a, ao, as, s, scalarFirst, o, oo, os) {
      const code = BINARY[op];
      // A scalar that is not a float would round differently from the reference's double arithmetic.
      if (code !== undefined && as === 1 && os === 1 && Math.fround(s) === s && usable(n, o) && heap.owns(a)) {
        slot[0] = s;
        if (scalarFirst) wasm.binaryF32(code, n, scalarSlot, 0, ptr(a, ao), 1, ptr(o, oo));
        else wasm.binaryF32(code, n, ptr(a, ao), 1, scalarSlot, 0, ptr(o, oo));
      } else {
        reference.binaryScalar(op, n, a, ao, as, s, scalarFirst, o, oo, os);
      }
    },

    unary(op, n, x, xo, xs, o, oo, os) {
      const code = UNARY[op];
      if (code !== undefined && xs === 1 && os === 1 && usable(n, o) && heap.owns(x)) {
        wasm.unaryF32(code, n, ptr(x, xo), ptr(o, oo));
      } else {
        reference.unary(op, n, x, xo, xs, o, oo, os);
      }
    },

    axpy(n, alpha, x, xo, xs, y, yo, ys) {
      if (xs === 1 && ys === 1 && usable(n, y) && heap.owns(x)) wasm.axpyF32(n, alpha, ptr(x, xo), ptr(y, yo));
      else reference.axpy(n, alpha, x, xo, xs, y, yo, ys);
    },

    reduce(op: ReduceOp, n, x, xo, xs, o, oo, os) {
      if (op === 'sum' && xs === 1 && usable(n, x) && (os === 0 || (os === 1 && heap.owns(o)))) {
        if (os === 0) o[oo] = o[oo]! + wasm.sumF32(n, ptr(x, xo));
        else wasm.binaryF32(0, n, ptr(o, oo), 1, ptr(x, xo), 1, ptr(o, oo));
      } else {
        reference.reduce(op, n, x, xo, xs, o, oo, os);
      }
    },
  };
}

/** The fused Adam step of `Backend.adam`, for float32 runs that all live in the memory. */
export function createAdam(wasm: ElementwiseExports, heap: WasmHeap) {
  return (n: number, w: FloatArray, wo: number, g: FloatArray, go: number,
    m: FloatArray, mo: number, v: FloatArray, vo: number, s: AdamStep): boolean => {
    if (!(w instanceof Float32Array) || !heap.owns(w) || !heap.owns(g) || !heap.owns(m) || !heap.owns(v)) return false;
    wasm.adamF32(n, w.byteOffset + wo * 4, g.byteOffset + go * 4, m.byteOffset + mo * 4, v.byteOffset + vo * 4,
      s.b1, s.b2, s.a1, s.a2, s.stepSize, s.invSqrtC2, s.eps, s.l2, s.shrink);
    return true;
  };
}
