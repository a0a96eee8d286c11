import type { Variable } from '@actgrad/autograd';
import { Tensor } from '@actgrad/tensor';

/** What the functions here need of a `Module` (named structurally: module.ts imports this file). */
export interface ParamOwner {
  namedParameters(): [string, Variable][];
}

/** Parameter values by the names `namedParameters()` gives them, e.g. `layers.0.weight`. */
export type StateDict = Record<string, Tensor>;

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /**
   * Refuse a dict with a missing or an unexpected name (default true). With `false` the
   * matching entries are loaded and the others reported in the result.
   */
  strict?: boolean;
}

/** What `Module.loadStateDict` loaded around: names the model has but the dict lacks, and the reverse. */
export interface LoadStateDictResult {
  missing: string[];
  unexpected: string[];
}

/** A copy of one tensor's values, contiguous, of its dtype and shape. */
export function copyTensor(t: Tensor): Tensor {
  const c = t.contiguous();
  return new Tensor(c.data.slice(c.offset, c.offset + c.size), [...c.shape]);
}

/** See `Module.stateDict`. */
export function stateDict(module: ParamOwner): StateDict {
  const out: StateDict = {};
  for (const [name, p] of module.namedParameters()) out[name] = copyTensor(p.data);
  return out;
}

const shapeText = (s: readonly number[]) => `[${s.join(',')}]`;

function listNames(names: string[], max = 6): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** What the fit check needs of an entry: a Tensor, or a saved tensor's header. */
export interface TensorHeader {
  readonly shape: readonly number[];
  readonly dtype: string;
}

/**
 * What keeps `dict` from loading into `module`, from names, shapes and dtypes alone (no value is
 * read), so a file can be checked before its tensors are decoded. Missing and unexpected names
 * are problems when `strict` (the default).
 */
export function stateDictProblems(module: ParamOwner, dict: Record<string, TensorHeader>, strict = true): { problems: string[] } & LoadStateDictResult {
  const params = module.namedParameters();
  const own = new Set(params.map(([n]) => n));
  const missing: string[] = [];
  const problems: string[] = [];
  for (const [name, p] of params) {
    // Own properties only: a name such as 'constructor' must not find Object.prototype's.
    if (!Object.hasOwn(dict, name)) {
      missing.push(name);
      continue;
    }
    const src = dict[name];
    const dst = p.data;
    if (!src || !Array.isArray(src.shape)) problems.push(`'${name}' is not a tensor`);
    else if (shapeText(src.shape) !== shapeText(dst.shape)) problems.push(`'${name}' has shape ${shapeText(src.shape)} but the model's parameter has ${shapeText(dst.shape)}`);
    else if (src.dtype !== dst.dtype) problems.push(`'${name}' is ${src.dtype} but the model's parameter is ${dst.dtype}`);
  }
  const unexpected = Object.keys(dict).filter((n) => !own.has(n));
  if (strict && missing.length > 0) problems.push(`missing ${listNames(missing)}`);
  if (strict && unexpected.length > 0) {
    problems.push(`unexpected ${listNames(unexpected)} (the model's parameters: ${listNames([...own])})`);
  }
  return { problems, missing, unexpected };
}

/** {@link stateDictProblems} as one error naming every problem; `where` starts the message. */
export function checkStateDictFit(module: ParamOwner, dict: Record<string, TensorHeader>, opts: LoadStateDictOptions = {}, where = 'loadStateDict'): LoadStateDictResult {
  const who = `${where} (${module.constructor.name})`;
  if (!dict || typeof dict !== 'object') throw new Error(`${who}: expected an object of name → Tensor; got ${dict === null ? 'null' : typeof dict}`);
  const { problems, missing, unexpected } = stateDictProblems(module, dict, opts.strict ?? true);
  if (problems.length > 0) throw new Error(`${who}: the state dict does not fit the model: ${problems.join('; ')}`);
  return { missing, unexpected };
}

/** See `Module.loadStateDict`. Validates every entry before writing any value. */
export function loadStateDict(module: ParamOwner, dict: StateDict, opts: LoadStateDictOptions = {}): LoadStateDictResult {
  for (const [name, t] of Object.entries(dict ?? {})) {
    if (!(t instanceof Tensor)) throw new Error(`loadStateDict (${module.constructor.name}): '${name}' is not a Tensor`);
  }
  const result = checkStateDictFit(module, dict, opts);
  for (const [name, p] of module.namedParameters()) if (Object.hasOwn(dict, name)) copyValues(dict[name], p.data);
  return result;
}

/** Copies `src` into `dst` (same shape and dtype), either of them possibly strided. */
function copyValues(src: Tensor, dst: Tensor): void {
  const s = src.contiguous();
  if (dst.isContiguous()) {
    dst.data.set(s.data.subarray(s.offset, s.offset + s.size), dst.offset);
    return;
  }
  // A strided parameter (rare: a view handed to parameter()): write element by element.
  const flat = s.data.subarray(s.offset, s.offset + s.size);
  const idx = new Array<number>(dst.ndim).fill(0);
  for (let i = 0; i < flat.length; i++) {
    let off = dst.offset;
    for (let k = 0; k < idx.length; k++) off += idx[k] * dst.strides[k];
    dst.data[off] = flat[i];
    for (let k = idx.length - 1; k >= 0 && ++idx[k] === dst.shape[k]; k--) idx[k] = 0;
  }
}
