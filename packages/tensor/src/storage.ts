import { getBackend, onBackendChange } from './backend/index.js';
import type { DType, FloatArray } from './dtype.js';
import { sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

// Storage reuse. Inside `tidy`, every buffer handed out is pushed onto the scope's list (cheap);
// when the scope ends, buffers not reachable from its return value and not kept go to a free
// list keyed by dtype and length, and the next allocation of that size takes one back. A training
// step run in `tidy` thus reuses the same buffers every step instead of allocating fresh ones.

const MAX_FREE_PER_SIZE = 32;
// Past this, freed buffers are left to the garbage collector: a loop over many distinct sizes
// must not pin memory forever.
const MAX_POOLED_BYTES = 256 * 1024 * 1024;
let pooledBytes = 0;

const free: Record<DType, Map<number, FloatArray[]>> = { float32: new Map(), float64: new Map() };
const scopes: FloatArray[][] = [];
const kept = new WeakSet<FloatArray>();

onBackendChange(() => {
  free.float32.clear();
  free.float64.clear();
  pooledBytes = 0;
});

/**
 * Storage for `length` elements from the active backend. Inside `tidy` it may be a recycled
 * buffer, so its contents are arbitrary unless `zero` is set.
 */
export function allocStorage(dtype: DType, length: number, zero: boolean): FloatArray {
  const scope = scopes.length > 0 ? scopes[scopes.length - 1]! : undefined;
  if (!scope) return getBackend().alloc(dtype, length);
  const list = free[dtype].get(length);
  let buf = list !== undefined && list.length > 0 ? list.pop()! : undefined;
  if (buf) {
    pooledBytes -= buf.byteLength;
    if (zero) buf.fill(0);
  } else {
    buf = getBackend().alloc(dtype, length);
  }
  scope.push(buf);
  return buf;
}

/** A row-major tensor on fresh (or, inside `tidy`, recycled) storage. */
export function allocTensor(shape: readonly number[], dtype: DType, zero = false): Tensor {
  return new Tensor(allocStorage(dtype, sizeOf(shape), zero), shape);
}

/**
 * Runs `fn` and recycles the storage of every tensor allocated inside it, except tensors
 * reachable from its return value (a tensor, or arrays and objects holding tensors) and
 * tensors passed to `keep`. Returned tensors belong to the enclosing `tidy`, if any.
 * A tensor must not be used after the `tidy` that allocated it has returned, unless kept
 * or returned.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('tidy: expected a function');
  const scope: FloatArray[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    release(scope, new Set());
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) {
    release(scope, new Set());
    throw new TypeError('tidy: fn returned a Promise; tidy only tracks synchronous code');
  }
  release(scope, reachableStorage(result));
  return result;
}

/** Exempts `t`'s storage from every enclosing `tidy`; it lives until garbage-collected. Returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new TypeError('keep: expected a Tensor');
  if (scopes.length > 0) kept.add(t.data);
  return t;
}

/** Whether code is running inside `tidy`. */
export function isTidying(): boolean {
  return scopes.length > 0;
}

function release(scope: FloatArray[], survivors: Set<FloatArray>): void {
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : undefined;
  for (let i = 0; i < scope.length; i++) {
    const buf = scope[i]!;
    if (kept.has(buf)) continue;
    if (survivors.has(buf)) {
      parent?.push(buf);
      continue;
    }
    const dtype: DType = buf instanceof Float64Array ? 'float64' : 'float32';
    let list = free[dtype].get(buf.length);
    if (!list) free[dtype].set(buf.length, (list = []));
    if (list.length < MAX_FREE_PER_SIZE && pooledBytes + buf.byteLength <= MAX_POOLED_BYTES && !list.includes(buf)) {
      list.push(buf);
      pooledBytes += buf.byteLength;
    }
  }
}

// Every tensor storage reachable from `value` through arrays, Maps, Sets and object fields.
function reachableStorage(value: unknown): Set<FloatArray> {
  const found = new Set<FloatArray>();
  if (value === null || typeof value !== 'object') return found;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Tensor) {
      found.add(v.data);
    } else if (v instanceof Float32Array || v instanceof Float64Array) {
      found.add(v);
    } else if (ArrayBuffer.isView(v)) {
      continue;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (v instanceof Map) {
      for (const [key, item] of v) stack.push(key, item);
    } else if (v instanceof Set) {
      for (const item of v) stack.push(item);
    } else {
      for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return found;
}
