import type { DType } from './dtype.js';
import { isDType } from './dtype.js';
import { copyStrided } from './elementwise.js';
import { fail, failRange, failType, fmtShape, normalizeAxis } from './errors.js';
import { contiguousStrides, sizeOf } from './shape.js';
import { allocTensor } from './storage.js';
import type { NestedArray, SliceSpec } from './tensor.js';
import { Tensor } from './tensor.js';

/** Permutes axes; with no axes, reverses them. A view. */
export function transpose(x: Tensor, ...axes: number[]): Tensor {
  if (axes.length === 0) {
    return new Tensor(x.data, x.shape.slice().reverse(), x.strides.slice().reverse(), x.offset);
  }
  return permute(x, axes, 'transpose');
}

/** Reorders axes: axis i of the result is axis `axes[i]` of x. A view. */
export function permute(x: Tensor, axes: readonly number[], op = 'permute'): Tensor {
  const nd = x.ndim;
  if (!Array.isArray(axes) || axes.length !== nd) {
    fail(op, `expected ${nd} axes for shape ${fmtShape(x.shape)}, got [${String(axes)}]`);
  }
  const seen = new Array<boolean>(nd).fill(false);
  const shape = new Array<number>(nd);
  const strides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    const a = normalizeAxis(op, axes[i]!, nd);
    if (seen[a]) fail(op, `axis ${axes[i]} appears twice in [${axes.join(',')}]`);
    seen[a] = true;
    shape[i] = x.shape[a]!;
    strides[i] = x.strides[a]!;
  }
  return new Tensor(x.data, shape, strides, x.offset);
}

/** Python-style slicing per axis (see `SliceSpec`); missing trailing specs take whole axes. A view. */
export function slice(x: Tensor, ...specs: SliceSpec[]): Tensor {
  const nd = x.ndim;
  if (specs.length > nd) fail('slice', `${specs.length} specs for a tensor of shape ${fmtShape(x.shape)}`);
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = x.offset;
  for (let d = 0; d < nd; d++) {
    const size = x.shape[d]!;
    const stride = x.strides[d]!;
    const spec = d < specs.length ? specs[d] : null;
    if (spec === null || spec === undefined) {
      shape.push(size);
      strides.push(stride);
    } else if (typeof spec === 'number') {
      if (!Number.isInteger(spec)) failType('slice', `index ${spec} for axis ${d} is not an integer`);
      if (spec < -size || spec >= size) failRange('slice', `index ${spec} out of range for axis ${d} of size ${size}`);
      offset += (spec < 0 ? spec + size : spec) * stride;
    } else if (Array.isArray(spec)) {
      const [start, stop, step] = resolveRange(spec, size, d);
      const n = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
      if (n > 0) offset += start * stride;
      shape.push(n);
      strides.push(stride * step);
    } else {
      failType('slice', `spec for axis ${d} must be a number, null or [start, stop, step], got ${String(spec)}`);
    }
  }
  return new Tensor(x.data, shape, strides, offset);
}

// Python's slice.indices: out-of-range bounds clamp; a negative step walks backwards.
function resolveRange(spec: readonly (number | null | undefined)[], size: number, axis: number): [number, number, number] {
  const step = spec[2] ?? 1;
  for (const v of spec) {
    if (v !== null && v !== undefined && !Number.isInteger(v)) {
      failType('slice', `[${spec.join(', ')}] for axis ${axis} must hold integers`);
    }
  }
  if (step === 0) fail('slice', `step 0 for axis ${axis} (a step must be nonzero)`);
  const clampIndex = (v: number, lo: number, hi: number): number => {
    if (v < 0) v += size;
    return v < lo ? lo : v > hi ? hi : v;
  };
  if (step > 0) {
    const start = spec[0] == null ? 0 : clampIndex(spec[0], 0, size);
    const stop = spec[1] == null ? size : clampIndex(spec[1], 0, size);
    return [start, stop, step];
  }
  const start = spec[0] == null ? size - 1 : clampIndex(spec[0], -1, size - 1);
  const stop = spec[1] == null ? -1 : clampIndex(spec[1], -1, size - 1);
  return [start, stop, step];
}

/** Drops `axis` (it must have size 1), or every size-1 axis. A view. */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined || axis === null) {
    const keep = x.shape.map((n) => n !== 1);
    return new Tensor(x.data, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
  }
  const a = normalizeAxis('squeeze', axis, x.ndim);
  if (x.shape[a] !== 1) fail('squeeze', `axis ${axis} of shape ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(a, 1);
  strides.splice(a, 1);
  return new Tensor(x.data, shape, strides, x.offset);
}

/** Inserts a size-1 axis at `axis` (negative counts from the end of the result). A view. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(a, 0, 1);
  strides.splice(a, 0, a < x.ndim ? x.strides[a]! * x.shape[a]! : 1);
  return new Tensor(x.data, shape, strides, x.offset);
}

/** Broadcasts x to `shape` with stride 0 on repeated axes; -1 keeps a size. A view. */
export function expand(x: Tensor, shape: readonly number[], op = 'expand'): Tensor {
  if (!Array.isArray(shape)) failType(op, `shape must be an array, got ${String(shape)}`);
  const nd = shape.length;
  if (nd < x.ndim) fail(op, `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)} (fewer axes)`);
  const outShape = new Array<number>(nd);
  const strides = new Array<number>(nd);
  const lead = nd - x.ndim;
  for (let d = 0; d < nd; d++) {
    const want = shape[d]!;
    if (d < lead) {
      if (!Number.isInteger(want) || want < 0) fail(op, `invalid size ${want} at axis ${d} of ${fmtShape(shape)}`);
      outShape[d] = want;
      strides[d] = 0;
      continue;
    }
    const have = x.shape[d - lead]!;
    if (want === -1 || want === have) {
      outShape[d] = have;
      strides[d] = x.strides[d - lead]!;
    } else if (have === 1 && Number.isInteger(want) && want >= 0) {
      outShape[d] = want;
      strides[d] = 0;
    } else {
      fail(op, `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)} (axis ${d}: ${have} vs ${want})`);
    }
  }
  return new Tensor(x.data, outShape, strides, x.offset);
}

/**
 * The same elements in a new shape (one -1 is inferred). A view when the strides allow it;
 * otherwise (e.g. flattening a transposed matrix) the elements are copied once.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(x, shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides) return new Tensor(x.data, target, strides, x.offset);
  // The layout cannot be expressed as strides over the new shape: one copy.
  const c = clone(x);
  return new Tensor(c.data, target, contiguousStrides(target), c.offset);
}

function inferShape(x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) failType('reshape', `shape must be an array, got ${String(shape)}`);
  const out = shape.slice();
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const n = out[i]!;
    if (n === -1) {
      if (infer >= 0) fail('reshape', `only one -1 allowed in ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(n) || n < 0) {
      fail('reshape', `invalid size ${n} at axis ${i} of ${fmtShape(shape)}`);
    } else {
      known *= n;
    }
  }
  const size = x.size;
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) fail('reshape', `cannot reshape ${fmtShape(x.shape)} (${size} elements) to ${fmtShape(shape)}`);
    out[infer] = size / known;
  } else if (known !== size) {
    fail('reshape', `cannot reshape ${fmtShape(x.shape)} (${size} elements) to ${fmtShape(shape)} (${known} elements)`);
  }
  return out;
}

// NumPy's attempt-nocopy-reshape: match runs of old axes to runs of new axes with equal
// products; each old run must be contiguous within itself. Returns null when a copy is needed.
function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  const os: number[] = [];
  const ost: number[] = [];
  for (let i = 0; i < oldShape.length; i++) {
    if (oldShape[i] !== 1) {
      os.push(oldShape[i]!);
      ost.push(oldStrides[i]!);
    }
  }
  const ns = newShape;
  const nst = new Array<number>(ns.length).fill(0);
  if (sizeOf(ns) === 0) return contiguousStrides(ns);
  let oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < ns.length && oi < os.length) {
    let np = ns[ni]!, op = os[oi]!;
    while (np !== op) {
      if (np < op) np *= ns[nj++]!;
      else op *= os[oj++]!;
    }
    for (let k = oi; k < oj - 1; k++) if (ost[k] !== os[k + 1]! * ost[k + 1]!) return null;
    nst[nj - 1] = ost[oj - 1]!;
    for (let k = nj - 1; k > ni; k--) nst[k - 1] = nst[k]! * ns[k]!;
    ni = nj++;
    oi = oj++;
  }
  // Trailing size-1 axes of the new shape.
  const last = ni > 0 ? nst[ni - 1]! : 1;
  for (let k = ni; k < ns.length; k++) nst[k] = last;
  return nst;
}

/** A row-major copy with its own storage. */
export function clone(x: Tensor): Tensor {
  const out = allocTensor(x.shape, x.dtype);
  copyStrided(x, out);
  return out;
}

/** A row-major copy in `dtype` (always a copy, even in the same dtype). */
export function astype(x: Tensor, dtype: DType): Tensor {
  if (!isDType(dtype)) failType('astype', `unknown dtype '${String(dtype)}' (valid: float32, float64)`);
  const out = allocTensor(x.shape, dtype);
  copyStrided(x, out);
  return out;
}

export function elementOffset(x: Tensor, index: readonly number[], op: string): number {
  if (!Array.isArray(index) || index.length !== x.ndim) {
    fail(op, `expected ${x.ndim} indices for shape ${fmtShape(x.shape)}, got [${String(index)}]`);
  }
  let off = x.offset;
  for (let d = 0; d < index.length; d++) {
    let i = index[d]!;
    const n = x.shape[d]!;
    if (!Number.isInteger(i)) failType(op, `index ${i} for axis ${d} is not an integer`);
    if (i < -n || i >= n) failRange(op, `index ${i} out of range for axis ${d} of size ${n}`);
    if (i < 0) i += n;
    off += i * x.strides[d]!;
  }
  return off;
}

export function item(x: Tensor): number {
  if (x.size !== 1) fail('item', `tensor of shape ${fmtShape(x.shape)} has ${x.size} elements, not 1`);
  // Every axis has size 1, so the element sits at the offset whatever the strides.
  return x.data[x.offset]!;
}

export function toArray(x: Tensor): NestedArray {
  const build = (d: number, off: number): NestedArray => {
    if (d === x.ndim) return x.data[off]!;
    const n = x.shape[d]!;
    const s = x.strides[d]!;
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = build(d + 1, off + i * s);
    return out;
  };
  return build(0, x.offset);
}

