import type { FloatArray } from '../dtype.js';
import type { BinaryOp, ElementwiseKernels, ReduceOp, UnaryOp } from './types.js';

// One loop per op, chosen by a switch outside the loop: the op never costs a call or a
// branch per element. Comparisons write +(x < y), which compiles without a branch: a 0/1
// select on random data would mispredict half the time and run ~8× slower. Indices advance by addition (ia += as) so the same loop serves
// contiguous (stride 1), strided and broadcast (stride 0) operands.

function binary(op: BinaryOp, n: number,
  a: FloatArray, ao: number, as: number, b: FloatArray, bo: number, bs: number,
  o: FloatArray, oo: number, os: number): void {
  let ia = ao, ib = bo, io = oo;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = a[ia]! + b[ib]!; break;
    case 'sub': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = a[ia]! - b[ib]!; break;
    case 'mul': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = a[ia]! * b[ib]!; break;
    case 'div': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = a[ia]! / b[ib]!; break;
    case 'pow': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = Math.pow(a[ia]!, b[ib]!); break;
    case 'maximum': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = max(a[ia]!, b[ib]!); break;
    case 'minimum': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = min(a[ia]!, b[ib]!); break;
    case 'eq': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = +(a[ia]! === b[ib]!); break;
    case 'ne': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = +(a[ia]! !== b[ib]!); break;
    case 'lt': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = +(a[ia]! < b[ib]!); break;
    case 'le': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = +(a[ia]! <= b[ib]!); break;
    case 'gt': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = +(a[ia]! > b[ib]!); break;
    case 'ge': for (let i = 0; i < n; i++, ia += as, ib += bs, io += os) o[io] = +(a[ia]! >= b[ib]!); break;
  }
}

// NaN propagates, as in NumPy's maximum/minimum (Math.max does too, but is slower here).
function max(x: number, y: number): number {
  return x > y || x !== x ? x : y;
}
function min(x: number, y: number): number {
  return x < y || x !== x ? x : y;
}

function binaryScalar(op: BinaryOp, n: number, a: FloatArray, ao: number, as: number,
  s: number, scalarFirst: boolean, o: FloatArray, oo: number, os: number): void {
  let ia = ao, io = oo;
  if (scalarFirst) {
    switch (op) {
      case 'sub': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = s - a[ia]!; return;
      case 'div': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = s / a[ia]!; return;
      case 'pow': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = Math.pow(s, a[ia]!); return;
      case 'lt': op = 'gt'; break;
      case 'le': op = 'ge'; break;
      case 'gt': op = 'lt'; break;
      case 'ge': op = 'le'; break;
      default: break; // the rest commute
    }
  }
  switch (op) {
    case 'add': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = a[ia]! + s; break;
    case 'sub': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = a[ia]! - s; break;
    case 'mul': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = a[ia]! * s; break;
    case 'div': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = a[ia]! / s; break;
    case 'pow':
      if (s === 2) for (let i = 0; i < n; i++, ia += as, io += os) o[io] = a[ia]! * a[ia]!;
      else for (let i = 0; i < n; i++, ia += as, io += os) o[io] = Math.pow(a[ia]!, s);
      break;
    case 'maximum': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = max(a[ia]!, s); break;
    case 'minimum': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = min(a[ia]!, s); break;
    case 'eq': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = +(a[ia]! === s); break;
    case 'ne': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = +(a[ia]! !== s); break;
    case 'lt': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = +(a[ia]! < s); break;
    case 'le': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = +(a[ia]! <= s); break;
    case 'gt': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = +(a[ia]! > s); break;
    case 'ge': for (let i = 0; i < n; i++, ia += as, io += os) o[io] = +(a[ia]! >= s); break;
  }
}

function unary(op: UnaryOp, n: number, x: FloatArray, xo: number, xs: number,
  o: FloatArray, oo: number, os: number): void {
  let ix = xo, io = oo;
  switch (op) {
    case 'copy': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = x[ix]!; break;
    case 'neg': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = -x[ix]!; break;
    case 'exp': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.exp(x[ix]!); break;
    case 'log': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.log(x[ix]!); break;
    case 'sqrt': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.sqrt(x[ix]!); break;
    case 'abs': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.abs(x[ix]!); break;
    case 'sign': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.sign(x[ix]!); break;
    case 'square': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = x[ix]! * x[ix]!; break;
    case 'reciprocal': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = 1 / x[ix]!; break;
    case 'tanh': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.tanh(x[ix]!); break;
    case 'sigmoid':
      // exp of a non-positive argument only: no overflow to Infinity at large |x|.
      for (let i = 0; i < n; i++, ix += xs, io += os) {
        const v = x[ix]!;
        if (v >= 0) o[io] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); o[io] = e / (1 + e); }
      }
      break;
    case 'log1p': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.log1p(x[ix]!); break;
    case 'expm1': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = Math.expm1(x[ix]!); break;
    case 'relu': for (let i = 0; i < n; i++, ix += xs, io += os) { const v = x[ix]!; o[io] = v > 0 ? v : 0; } break;
  }
}

function clamp(n: number, x: FloatArray, xo: number, xs: number, lo: number, hi: number,
  o: FloatArray, oo: number, os: number): void {
  for (let i = 0, ix = xo, io = oo; i < n; i++, ix += xs, io += os) {
    const v = x[ix]!;
    o[io] = v < lo ? lo : v > hi ? hi : v;
  }
}

function axpy(n: number, alpha: number, x: FloatArray, xo: number, xs: number,
  y: FloatArray, yo: number, ys: number): void {
  for (let i = 0, ix = xo, iy = yo; i < n; i++, ix += xs, iy += ys) y[iy] += alpha * x[ix]!;
}

function reduce(op: ReduceOp, n: number, x: FloatArray, xo: number, xs: number,
  o: FloatArray, oo: number, os: number): void {
  let ix = xo;
  if (os === 0) {
    // The whole row folds into one element: accumulate in a double, store once.
    let acc = o[oo]!;
    switch (op) {
      case 'sum': for (let i = 0; i < n; i++, ix += xs) acc += x[ix]!; break;
      case 'max': for (let i = 0; i < n; i++, ix += xs) acc = max(acc, x[ix]!); break;
      case 'min': for (let i = 0; i < n; i++, ix += xs) acc = min(acc, x[ix]!); break;
    }
    o[oo] = acc;
    return;
  }
  let io = oo;
  switch (op) {
    case 'sum': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] += x[ix]!; break;
    case 'max': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = max(o[io]!, x[ix]!); break;
    case 'min': for (let i = 0; i < n; i++, ix += xs, io += os) o[io] = min(o[io]!, x[ix]!); break;
  }
}

function binaryRows(op: BinaryOp, rows: number, n: number, a: FloatArray, ao: number, as: number,
  b: FloatArray, bo: number, bs: number, o: FloatArray, oo: number): void {
  for (let r = 0; r < rows; r++, ao += as, bo += bs, oo += n) binary(op, n, a, ao, 1, b, bo, 1, o, oo, 1);
}

function sumRows(rows: number, n: number, x: FloatArray, xo: number, o: FloatArray, oo: number): void {
  for (let r = 0; r < rows; r++, xo += n) for (let j = 0; j < n; j++) o[oo + j] += x[xo + j]!;
}

function expSum(n: number, x: FloatArray, xo: number, xs: number, sh: FloatArray, so: number,
  o: FloatArray, oo: number, os: number): void {
  let ix = xo;
  if (os === 0) {
    const shift = sh[so]!;
    let acc = 0;
    for (let i = 0; i < n; i++, ix += xs) acc += Math.exp(x[ix]! - shift);
    o[oo] = o[oo]! + acc;
    return;
  }
  for (let i = 0, io = oo, is = so; i < n; i++, ix += xs, io += os, is += os) o[io] = o[io]! + Math.exp(x[ix]! - sh[is]!);
}

function argmax(n: number, x: FloatArray, xo: number, xs: number): number {
  let best = x[xo]!;
  if (best !== best) return 0;
  let at = 0;
  for (let i = 1, j = xo + xs; i < n; i++, j += xs) {
    const v = x[j]!;
    if (v > best) {
      best = v;
      at = i;
    } else if (v !== v) {
      return i;
    }
  }
  return at;
}

function where(n: number, c: FloatArray, co: number, cs: number, a: FloatArray, ao: number, as: number,
  b: FloatArray, bo: number, bs: number, o: FloatArray, oo: number, os: number): void {
  for (let i = 0, ic = co, ia = ao, ib = bo, io = oo; i < n; i++, ic += cs, ia += as, ib += bs, io += os) {
    o[io] = c[ic] !== 0 ? a[ia]! : b[ib]!;
  }
}

export const jsKernels: ElementwiseKernels = { binary, binaryScalar, unary, clamp, axpy, reduce, binaryRows, sumRows, expSum, argmax, where };
