import { jsKernels } from './js-elementwise.js';
import { jsBackend } from './js.js';
import type { Backend, ElementwiseKernels, NamedKernel } from './types.js';
import { tryCreateWasmBackend, wasmUnavailableReason } from './wasm/index.js';

export type { Backend, BinaryOp, ElementwiseKernels, MatrixOperand, MatrixOutput, NamedKernel, ReduceOp, UnaryOp } from './types.js';
export { jsBackend } from './js.js';

const registry = new Map<string, Backend>([['js', jsBackend]]);
// The wasm backend registers itself when this runtime can instantiate it.
const wasm = tryCreateWasmBackend(jsBackend);
if (wasm) registry.set('wasm', wasm);
// When no backend is asked for, the first registered one in this list wins.
const PREFERENCE = ['wasm', 'js'];
// A misspelt ACTGRAD_BACKEND fails here, at import, rather than at the first tensor op.
// 'native' registers later, when @actgrad/native is imported.
const requestedAtImport = typeof process !== 'undefined' ? process.env?.ACTGRAD_BACKEND : undefined;
if (requestedAtImport && requestedAtImport !== 'native' && !registry.has(requestedAtImport)) throw unknownBackend(requestedAtImport);

let current: Backend | undefined;
let currentKernels: ElementwiseKernels = jsKernels;
let currentNamed: ReadonlyMap<string, NamedKernel> | undefined;
const listeners: Array<() => void> = [];

/** Makes a backend selectable by name; a backend of the same name is replaced. */
export function registerBackend(backend: Backend): void {
  if (!backend || typeof backend.name !== 'string' || typeof backend.alloc !== 'function' || typeof backend.gemm !== 'function') {
    throw new TypeError('registerBackend: a backend needs a name, alloc() and gemm()');
  }
  registry.set(backend.name, backend);
  if (current?.name === backend.name) use(backend);
}

/** The names of the registered backends. */
export function backendNames(): string[] {
  return [...registry.keys()];
}

/** The active backend: `ACTGRAD_BACKEND` (js | wasm | native) when set, else the fastest registered one. */
export function getBackend(): Backend {
  if (current) return current;
  const requested = typeof process !== 'undefined' ? process.env?.ACTGRAD_BACKEND : undefined;
  if (requested) {
    const b = registry.get(requested);
    if (!b) throw unknownBackend(requested);
    return use(b);
  }
  for (const name of PREFERENCE) {
    const b = registry.get(name);
    if (b) return use(b);
  }
  return use(jsBackend);
}

function unknownBackend(requested: string): Error {
  if (requested === 'native') {
    return new Error("ACTGRAD_BACKEND=native: the native backend is not registered; import '@actgrad/native' before the first tensor operation");
  }
  const why = requested === 'wasm' && wasmUnavailableReason() ? `: it failed to start (${wasmUnavailableReason()})` : '';
  return new Error(`ACTGRAD_BACKEND: unknown backend '${requested}'${why}; valid backends: ${backendNames().join(', ')}`);
}

/** Switches backend by name (it must be registered) or by object (registered on the way). */
export function setBackend(nameOrBackend: string | Backend): Backend {
  if (typeof nameOrBackend === 'string') {
    const b = registry.get(nameOrBackend);
    if (!b) throw new Error(`setBackend: unknown backend '${nameOrBackend}' (registered: ${backendNames().join(', ')})`);
    return use(b);
  }
  registerBackend(nameOrBackend);
  return use(nameOrBackend);
}

/** The active backend's elementwise kernels, completed from the js backend's. */
export function kernels(): ElementwiseKernels {
  if (!current) getBackend();
  return currentKernels;
}

/**
 * The active backend's kernel registered under `id`, or undefined. The caller states the kernel's
 * type `F` (its id's owner defines it) and runs its own loop when this is undefined or returns false.
 */
export function getKernel<F extends NamedKernel>(id: string): F | undefined {
  if (!current) getBackend();
  return currentNamed?.get(id) as F | undefined;
}

/** Runs `fn` whenever the backend changes (storage pools drop buffers of the old one). */
export function onBackendChange(fn: () => void): void {
  listeners.push(fn);
}

function use(b: Backend): Backend {
  const changed = current !== undefined && current !== b;
  current = b;
  currentNamed = b.named;
  currentKernels = b.kernels ? { ...jsKernels, ...b.kernels } : jsKernels;
  if (changed) for (const fn of listeners) fn();
  return b;
}
