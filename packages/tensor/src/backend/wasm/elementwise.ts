import type { FloatArray } from '../../dtype.js';
import type { BinaryOp, ElementwiseKernels, ReduceOp, UnaryOp } from '../types.js';
import type { WasmHeap } from './heap.js';

/** The elementwise exports of the kernels' module (see asm/elementwise.ts). */
export interface ElementwiseExports {
  binaryF32(op: number, n: number, a: number, aStride: number, b: number, bStride: number, out: number): void;
  unaryF32(op: number, n: number, x: number, out: number): void;
  clampF32(n: number, x: number, out: number, loBelow: number, lo: number, hiAbove: number, hi: number): void;
  mathF32(op: number, n: number, x: number, out: number): void;
  powF32(n: number, a: number, aStride: number, b: number, bStride: number, s: number, out: number): void;
  expSumF32(n: number, x: number, shift: number): number;
  expAddF32(n: number, x: number, shift: number, out: number): void;
  axpyF32(n: number, alpha: number, x: number, y: number): void;
  sumF32(n: number, x: number): number;
  binaryRowsF32(op: number, rows: number, n: number, a: number, aStep: number, b: number, bStep: number, out: number): void;
  sumRowsF32(rows: number, n: number, x: number, out: number): void;
  adamF32(n: number, w: number, g: number, m: number, v: number, b1: number, b2: number, a1: number, a2: number,
    stepSize: number, invSqrtC2: number, eps: number, l2: number, shrink: number): void;
  adamAllF32(count: number, table: number, consts: number, lo: number, hi: number): void;
}

// Op codes of asm/elementwise.ts. Ops missing here run on the reference kernels.
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const UNARY: Partial<Record<UnaryOp, number>> = { copy: 0, neg: 1, abs: 2, sqrt: 3, square: 4, relu: 5 };
// asm/elementwise-math.ts: evaluated in double, rounded once, like the reference.
const MATH: Partial<Record<UnaryOp, number>> = { exp: 0, log: 1, expm1: 2, log1p: 3, sigmoid: 4, tanh: 5 };

/** Below this many elements the call into wasm costs more than the loop it replaces. */
const MIN_LENGTH = 64;
/** The same for ops that cost the reference a Math call per element (about 10 ns). */
const MIN_MATH_LENGTH = 16;

const bits = new Float32Array(1);
const bitsInt = new Int32Array(bits.buffer);

/** The least float32 ≥ x (x not NaN). */
function floatAtLeast(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  if (f === 0) return 2 ** -149;
  bits[0] = f;
  bitsInt[0] += f > 0 ? 1 : -1;
  return bits[0]!;
}

/** The greatest float32 ≤ x (x not NaN). */
function floatAtMost(x: number): number {
  return -floatAtLeast(-x);
}

/**
 * The wasm elementwise kernels: contiguous float32 runs in the module's memory
 * go to SIMD loops; everything else (float64, strided runs, short runs, ops the
 * module lacks, arrays outside the memory) goes to `reference`. Results match
 * the reference bit for bit, except whole-row sums, which add in another order,
 * and e^x, log x and the ops built on them, which are evaluated in double like
 * the reference's but by other means: within 1 ulp, and equal but for about one
 * argument in 10^8 (asm/math.ts).
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
      const strides = os === 1 && as + bs >= 1 && as <= 1 && bs <= 1;
      if (code !== undefined && strides && usable(n, o) && heap.owns(a) && heap.owns(b)) {
        wasm.binaryF32(code, n, ptr(a, ao), as, ptr(b, bo), bs, ptr(o, oo));
      } else if (op === 'pow' && strides && n >= MIN_MATH_LENGTH && o instanceof Float32Array &&
        heap.owns(o) && heap.owns(a) && heap.owns(b)) {
        // A zero-stride operand is passed by value (a float, so exact as a double).
        wasm.powF32(n, ptr(a, ao), as, ptr(b, bo), bs, as === 0 ? a[ao]! : b[bo]!, ptr(o, oo));
      } else {
        reference.binary(op, n, a, ao, as, b, bo, bs, o, oo, os);
      }
    },

    binaryScalar(op, n, a, ao, as, s, scalarFirst, o, oo, os) {
      if (as !== 1 || os !== 1 || !(o instanceof Float32Array) || !heap.owns(o) || !heap.owns(a)) {
        reference.binaryScalar(op, n, a, ao, as, s, scalarFirst, o, oo, os);
        return;
      }
      const code = BINARY[op];
      if (op === 'pow' && n >= MIN_MATH_LENGTH) {
        // The reference squares by multiplication; a float product rounds as the double one does.
        if (s === 2 && !scalarFirst) wasm.unaryF32(UNARY.square!, n, ptr(a, ao), ptr(o, oo));
        else wasm.powF32(n, ptr(a, ao), scalarFirst ? 0 : 1, ptr(a, ao), scalarFirst ? 1 : 0, s, ptr(o, oo));
      } else if (n < MIN_LENGTH || code === undefined) {
        reference.binaryScalar(op, n, a, ao, as, s, scalarFirst, o, oo, os);
      } else if (Math.fround(s) === s || Number.isNaN(s)) {
        // A float scalar: float arithmetic rounds as the reference's double arithmetic does.
        slot[0] = s;
        // The reference computes max(a, s) and min(a, s) either way round, which matters at ±0.
        if (scalarFirst && op !== 'maximum' && op !== 'minimum') wasm.binaryF32(code, n, scalarSlot, 0, ptr(a, ao), 1, ptr(o, oo));
        else wasm.binaryF32(code, n, ptr(a, ao), 1, scalarSlot, 0, ptr(o, oo));
      } else if (op === 'maximum') {
        // The reference's a > s ? a : fround(s) (either operand order), as a float comparison: there
        // is no float between s and the least float above it.
        wasm.clampF32(n, ptr(a, ao), ptr(o, oo), floatAtLeast(s), s, Infinity, Infinity);
      } else if (op === 'minimum') {
        wasm.clampF32(n, ptr(a, ao), ptr(o, oo), -Infinity, -Infinity, floatAtMost(s), s);
      } else {
        // Arithmetic with a scalar that is not a float rounds differently from the reference's double arithmetic.
        reference.binaryScalar(op, n, a, ao, as, s, scalarFirst, o, oo, os);
      }
    },

    unary(op, n, x, xo, xs, o, oo, os) {
      const code = UNARY[op], math = MATH[op];
      if (code !== undefined && xs === 1 && os === 1 && usable(n, o) && heap.owns(x)) {
        wasm.unaryF32(code, n, ptr(x, xo), ptr(o, oo));
      } else if (math !== undefined && xs === 1 && os === 1 && n >= MIN_MATH_LENGTH && o instanceof Float32Array &&
        heap.owns(o) && heap.owns(x)) {
        wasm.mathF32(math, n, ptr(x, xo), ptr(o, oo));
      } else {
        reference.unary(op, n, x, xo, xs, o, oo, os);
      }
    },

    clamp(n, x, xo, xs, lo, hi, o, oo, os) {
      if (xs === 1 && os === 1 && usable(n, o) && heap.owns(x)) {
        wasm.clampF32(n, ptr(x, xo), ptr(o, oo), floatAtLeast(lo), lo, floatAtMost(hi), hi);
      } else {
        reference.clamp(n, x, xo, xs, lo, hi, o, oo, os);
      }
    },

    expSum(n, x, xo, xs, sh, so, o, oo, os) {
      if (xs === 1 && n >= MIN_MATH_LENGTH && x instanceof Float32Array && heap.owns(x)) {
        if (os === 0) {
          o[oo] = o[oo]! + wasm.expSumF32(n, ptr(x, xo), sh[so]!);
          return;
        }
        if (os === 1 && heap.owns(o) && heap.owns(sh)) {
          wasm.expAddF32(n, ptr(x, xo), ptr(sh, so), ptr(o, oo));
          return;
        }
      }
      reference.expSum(n, x, xo, xs, sh, so, o, oo, os);
    },

    axpy(n, alpha, x, xo, xs, y, yo, ys) {
      if (xs === 1 && ys === 1 && usable(n, y) && heap.owns(x)) wasm.axpyF32(n, alpha, ptr(x, xo), ptr(y, yo));
      else reference.axpy(n, alpha, x, xo, xs, y, yo, ys);
    },

    binaryRows(op, rows, n, a, ao, as, b, bo, bs, o, oo) {
      const code = BINARY[op];
      if (code !== undefined && usable(rows * n, o) && heap.owns(a) && heap.owns(b)) {
        wasm.binaryRowsF32(code, rows, n, ptr(a, ao), as * 4, ptr(b, bo), bs * 4, ptr(o, oo));
      } else {
        reference.binaryRows(op, rows, n, a, ao, as, b, bo, bs, o, oo);
      }
    },

    sumRows(rows, n, x, xo, o, oo) {
      if (usable(rows * n, x) && heap.owns(o)) wasm.sumRowsF32(rows, n, ptr(x, xo), ptr(o, oo));
      else reference.sumRows(rows, n, x, xo, o, oo);
    },

    reduce(op: ReduceOp, n, x, xo, xs, o, oo, os) {
      if (op === 'sum' && xs === 1 && usable(n, x) && (os === 0 || (os === 1 && heap.owns(o)))) {
        if (os === 0) o[oo] = o[oo]! + wasm.sumF32(n, ptr(x, xo));
        else wasm.binaryF32(BINARY.add!, n, ptr(o, oo), 1, ptr(x, xo), 1, ptr(o, oo));
      } else {
        reference.reduce(op, n, x, xo, xs, o, oo, os);
      }
    },
  };
}
