import { broadcastShapes, Tensor, type SliceSpec } from '@actgrad/tensor';
import { NO_ATTRS } from './op-def.js';
import { fmtShape } from './ops/layout.js';
import { toLabels, type LabelsLike } from './ops/labels.js';
import type { Axes } from './ops/reduce.js';
import { asVariable, apply, dtypeOf, lift, type Operand } from './record.js';
import { ops } from './registry.js';
import type { Variable } from './variable.js';

export type { Operand };

function binary(op: typeof ops.add, a: Operand, b: Operand): Variable {
  const dtype = dtypeOf(a, b);
  return apply(op, [lift(op.name, a, dtype), lift(op.name, b, dtype)], NO_ATTRS);
}

function scalarOp(op: typeof ops.addScalar, x: Variable | Tensor, c: number): Variable {
  if (Number.isNaN(c)) throw new Error(`${op.name}: operand is NaN`);
  return apply(op, [asVariable(op.name, x)], { scalar: c });
}

const isNum = (x: Operand): x is number => typeof x === 'number';

/** a + b, broadcasting; a number operand stays a scalar (no tensor is made for it). */
export function add(a: Operand, b: Operand): Variable {
  if (isNum(b) && !isNum(a)) return scalarOp(ops.addScalar, a, b);
  if (isNum(a) && !isNum(b)) return scalarOp(ops.addScalar, b, a);
  return binary(ops.add, a, b);
}
/** a − b, broadcasting. */
export function sub(a: Operand, b: Operand): Variable {
  if (isNum(b) && !isNum(a)) return scalarOp(ops.addScalar, a, -b);
  if (isNum(a) && !isNum(b)) return scalarOp(ops.addScalar, neg(b), a);
  return binary(ops.sub, a, b);
}
/** a · b elementwise, broadcasting. One value times itself records x^2: one node, backward 2·g·x. */
export function mul(a: Operand, b: Operand): Variable {
  if (a === b && typeof a === 'object' && a !== null && 'requiresGrad' in a) return pow(a, 2);
  if (isNum(b) && !isNum(a)) return scalarOp(ops.mulScalar, a, b);
  if (isNum(a) && !isNum(b)) return scalarOp(ops.mulScalar, b, a);
  return binary(ops.mul, a, b);
}
/** a / b elementwise, broadcasting. */
export function div(a: Operand, b: Operand): Variable {
  if (isNum(b) && !isNum(a)) return scalarOp(ops.divScalar, a, b);
  return binary(ops.div, a, b);
}

/** −x. */
export function neg(x: Variable | Tensor): Variable { return apply(ops.neg, [asVariable('neg', x)], NO_ATTRS); }
/** e^x. */
export function exp(x: Variable | Tensor): Variable { return apply(ops.exp, [asVariable('exp', x)], NO_ATTRS); }
/** Natural logarithm. */
export function log(x: Variable | Tensor): Variable { return apply(ops.log, [asVariable('log', x)], NO_ATTRS); }
/** Square root. */
export function sqrt(x: Variable | Tensor): Variable { return apply(ops.sqrt, [asVariable('sqrt', x)], NO_ATTRS); }
/** |x| (gradient 0 at x = 0). */
export function abs(x: Variable | Tensor): Variable { return apply(ops.abs, [asVariable('abs', x)], NO_ATTRS); }

/** x^p for a constant exponent p. */
export function pow(x: Variable | Tensor, exponent: number): Variable {
  if (typeof exponent !== 'number' || Number.isNaN(exponent)) throw new TypeError(`pow: exponent must be a number, got ${String(exponent)}`);
  return apply(ops.pow, [asVariable('pow', x)], { exponent });
}

/** Clamps into [min, max]; `null`/`undefined` leaves that side open. */
export function clamp(x: Variable | Tensor, min: number | null | undefined, max: number | null | undefined): Variable {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) throw new RangeError(`clamp: invalid bounds [${lo}, ${hi}]`);
  return apply(ops.clamp, [asVariable('clamp', x)], { min: lo, max: hi });
}

/** Matrix product, 2-D or batched (batch axes broadcast). */
export function matmul(a: Variable | Tensor, b: Variable | Tensor): Variable {
  const va = asVariable('matmul', a);
  const vb = asVariable('matmul', b);
  if (va.ndim < 2 || vb.ndim < 2) {
    throw new Error(`matmul: operands must be at least 2-D, got shapes ${fmtShape(va.shape)} and ${fmtShape(vb.shape)}`);
  }
  return apply(ops.matmul, [va, vb], NO_ATTRS);
}

/**
 * x·W + b as one node (a Linear layer): x [batch, in], W [in, out], b [out] or omitted. Same
 * values and gradients as `add(matmul(x, w), b)`, with the bias added and its gradient summed
 * in one kernel call each.
 */
export function affine(x: Variable | Tensor, w: Variable | Tensor, b?: Variable | Tensor | null): Variable {
  const vx = asVariable('affine', x);
  const vw = asVariable('affine', w);
  if (vx.ndim !== 2 || vw.ndim !== 2) {
    throw new Error(`affine: input and weight must be 2-D, got shapes ${fmtShape(vx.shape)} and ${fmtShape(vw.shape)}`);
  }
  if (vx.shape[1] !== vw.shape[0]) {
    throw new Error(`affine: shapes ${fmtShape(vx.shape)} and ${fmtShape(vw.shape)} do not match (${vx.shape[1]} ≠ ${vw.shape[0]})`);
  }
  if (b === undefined || b === null) return apply(ops.affine, [vx, vw], NO_ATTRS);
  const vb = asVariable('affine', b);
  if (vb.ndim !== 1 || vb.shape[0] !== vw.shape[1]) {
    throw new Error(`affine: bias ${fmtShape(vb.shape)} does not match weight ${fmtShape(vw.shape)} (expected [${vw.shape[1]}])`);
  }
  return apply(ops.affine, [vx, vw, vb], NO_ATTRS);
}

/** Sum over `axis` (one, several, or all when undefined). */
export function sum(x: Variable | Tensor, axis?: Axes, keepDims = false): Variable {
  return apply(ops.sum, [asVariable('sum', x)], { axis, keepDims });
}
/** Mean over `axis` (one, several, or all when undefined). */
export function mean(x: Variable | Tensor, axis?: Axes, keepDims = false): Variable {
  return apply(ops.mean, [asVariable('mean', x)], { axis, keepDims });
}
/** Maximum over `axis`; tied maxima share the gradient equally. */
export function max(x: Variable | Tensor, axis?: Axes, keepDims = false): Variable {
  return apply(ops.max, [asVariable('max', x)], { axis, keepDims });
}

/** New shape, same elements (one -1 allowed). */
export function reshape(x: Variable | Tensor, shape: readonly number[]): Variable {
  return apply(ops.reshape, [asVariable('reshape', x)], { shape: [...shape] });
}
/** Reverses the axes, or permutes them when given. */
export function transpose(x: Variable | Tensor, ...axes: number[]): Variable {
  return apply(ops.transpose, [asVariable('transpose', x)], { axes });
}
/** Permutes the axes. */
export function permute(x: Variable | Tensor, axes: readonly number[]): Variable {
  return apply(ops.permute, [asVariable('permute', x)], { axes: [...axes] });
}
/** Python-style slicing per axis (a view). */
export function slice(x: Variable | Tensor, ...specs: SliceSpec[]): Variable {
  return apply(ops.slice, [asVariable('slice', x)], { specs });
}
/** Broadcasts to `shape` (a view). */
export function expand(x: Variable | Tensor, shape: readonly number[]): Variable {
  return apply(ops.expand, [asVariable('expand', x)], { shape: [...shape] });
}

/** Joins along `axis`; all other axes must agree. */
export function concat(xs: readonly (Variable | Tensor)[], axis = 0): Variable {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error('concat: expected a non-empty array of values');
  const vs = xs.map((x) => asVariable('concat', x));
  const first = vs[0].shape;
  const nd = first.length;
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) throw new RangeError(`concat: axis ${axis} out of range for ${nd}-D values`);
  const ax = axis < 0 ? axis + nd : axis;
  for (const v of vs) {
    const ok = v.ndim === nd && v.shape.every((d, i) => i === ax || d === first[i]) && v.dtype === vs[0].dtype;
    if (!ok) throw new Error(`concat: shapes ${fmtShape(first)} and ${fmtShape(v.shape)} differ outside axis ${ax}`);
  }
  return apply(ops.concat, vs, { axis: ax });
}

/** torch.gather along `axis`: out has `indices`' shape; indices hold integers. */
export function gather(x: Variable | Tensor, indices: Tensor, axis: number): Variable {
  const v = asVariable('gather', x);
  if (!(indices instanceof Tensor)) throw new TypeError('gather: indices must be a Tensor of integers');
  const nd = v.ndim;
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) throw new RangeError(`gather: axis ${axis} out of range for ${nd}-D x`);
  const ax = axis < 0 ? axis + nd : axis;
  if (indices.ndim !== nd || indices.shape.some((d, i) => i !== ax && d > v.shape[i])) {
    throw new Error(`gather: indices of shape ${fmtShape(indices.shape)} do not fit x of shape ${fmtShape(v.shape)} along axis ${ax}`);
  }
  const flat = indices.contiguous();
  for (let i = 0; i < flat.size; i++) {
    const k = flat.data[flat.offset + i];
    if (!Number.isInteger(k) || k < 0 || k >= v.shape[ax]) {
      throw new RangeError(`gather: index ${k} out of range for axis ${ax} of size ${v.shape[ax]}`);
    }
  }
  return apply(ops.gather, [v], { indices: flat, axis: ax });
}

/** Row i's element labels[i] of a 2-D x: the picker of cross-entropy, −pick(logSoftmax(z), y). */
export function pick(x: Variable | Tensor, labels: LabelsLike): Variable {
  const v = asVariable('pick', x);
  if (v.ndim !== 2) throw new Error(`pick: x must be 2-D [rows, classes], got shape ${fmtShape(v.shape)}`);
  return apply(ops.pick, [v], { labels: toLabels('pick', labels, v.shape[0], v.shape[1]) });
}

/** a where cond ≠ 0, else b; cond is a constant (not differentiated); all three broadcast. */
export function where(cond: Variable | Tensor, a: Operand, b: Operand): Variable {
  const c = asVariable('where', cond);
  const dtype = dtypeOf(a, b);
  const va = lift('where', a, typeof a === 'number' && typeof b === 'number' ? c.dtype : dtype);
  const vb = lift('where', b, va.dtype);
  broadcastShapes(broadcastShapes(c.shape, va.shape, 'where'), vb.shape, 'where');
  return apply(ops.where, [c.requiresGrad ? c.detach() : c, va, vb], NO_ATTRS);
}
