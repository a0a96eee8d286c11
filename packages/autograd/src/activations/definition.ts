import { Tensor, type FloatArray } from '@actgrad/tensor';
import type { OpDef, Saves } from '../op-def.js';
import type { Variable } from '../variable.js';

/**
 * The shape of an activation definition: each built-in is one object of this type in one file
 * of this folder (relu-family.ts, softmax.ts, …), and everything else — the op registry, the
 * functional API, the Variable methods, `activationNames()`, the kernel ids, the test tables and
 * the README tables — is derived from the list in builtins.ts.
 */

/** A hyper-parameter of an activation, e.g. ELU's α. */
export interface ActivationParam {
  readonly default: number | string;
  readonly description: string;
  /** How the formulas write it (α, λ); the README tables use it. */
  readonly symbol?: string;
  /** Trained with the weights (PReLU's α): the activation owns a Variable for it. */
  readonly learnable?: boolean;
  /** An open interval a number must lie in, e.g. ELU's α > 0 is `{ gt: 0 }`. */
  readonly range?: { readonly gt?: number; readonly lt?: number };
  /** The allowed values of a string parameter (GELU's `approximate`). */
  readonly choices?: readonly string[];
}

/** Values of an activation's parameters: numbers, strings, or a Variable (or Tensor) for a learnable one. */
export type ParamValue = number | string | Variable | Tensor;
/** Options passed to {@link activation}: numbers for hyper-parameters, or a Variable for a learnable one. */
export type ActivationOptions = Readonly<Record<string, ParamValue>>;
/** Resolved options: every declared parameter with a value. */
export type ResolvedOptions = Readonly<Record<string, ParamValue>>;

/**
 * The weight initializer family a layer followed by an activation wants: He (Var(w) = 2/fanIn) for
 * the ReLU family, whose units pass about half the signal; LeCun (1/fanIn) for SELU, whose fixed
 * point assumes it; Glorot (2/(fanIn + fanOut)) for the saturating and linear ones.
 */
export type InitFamily = 'he' | 'lecun' | 'glorot';

/** One activation: its math for readers, its op for the graph, and what callers need to use it by name. */
export interface ActivationDef {
  readonly name: string;
  /** The initializer family of a layer feeding this activation (nn's `mlp` picks by it); absent: Glorot. */
  readonly init?: InitFamily;
  /** a(s) in the lecture's notation, conventions included: the one copy the READMEs and the lab show. */
  readonly formula: string;
  /** a'(s) as implemented (softmax: the vector–Jacobian product g_s). */
  readonly derivative: string;
  /** True when a_i depends on s_i alone (everything but softmax and logSoftmax): it can be plotted as a(s). */
  readonly elementwise: boolean;
  readonly params: Readonly<Record<string, ActivationParam>>;
  readonly saves: Saves;
  readonly op: OpDef<never>;
  /** The parameter a bare second argument stands for: `elu(x, 0.5)` is `elu(x, { alpha: 0.5 })`. */
  readonly positional?: string;
  /** Builds the node for `x` with every declared parameter resolved (and validated). */
  apply(x: Variable, options: ResolvedOptions): Variable;
}

/**
 * The reference loops of an elementwise activation over contiguous typed arrays, no allocation or
 * closures inside. Forward: a[ao+i] = f(s[so+i]). Backward: dx[i] = g[i]·f'(·), where f' reads the
 * saved input s or output a as the definition declares. `p` is the activation's numeric parameter.
 */
export type ForwardLoop = (n: number, s: FloatArray, so: number, a: FloatArray, ao: number, p: number) => void;
/** The backward reference loop: `dx[dxo+i] = g[go+i]·f'(·)`, reading the saved input or output from `saved`. */
export type BackwardLoop = (
  n: number, g: FloatArray, go: number, saved: FloatArray, so: number, dx: FloatArray, dxo: number, p: number,
) => void;
/** The named-kernel forms of the loops (`getKernel` in @actgrad/tensor): false = not run, use the loop. */
export type ForwardKernel = (n: number, s: FloatArray, so: number, a: FloatArray, ao: number, p: number) => boolean;
/** The named-kernel form of a `BackwardLoop`: false = not run, use the loop. */
export type BackwardKernel = (
  n: number, g: FloatArray, go: number, saved: FloatArray, so: number, dx: FloatArray, dxo: number, p: number,
) => boolean;

/** Named-kernel ids of an activation with an accelerated form; the wasm backend registers them. */
export interface KernelIds {
  readonly forward: string;
  readonly backward: string;
}

/** An elementwise built-in: the definition plus its reference loops and kernel ids, for the tests. */
export interface ElementwiseActivation extends ActivationDef {
  readonly elementwise: true;
  readonly saves: 'input' | 'output' | 'none';
  readonly forward: ForwardLoop;
  readonly backward: BackwardLoop;
  readonly kernel?: KernelIds;
  /** The number the loops get as `p`, from the resolved parameters. */
  scalar(options: ResolvedOptions): number;
}

/** The constraint of a parameter in words: "a positive finite number", "in (0, 1)". */
export function describeRange(spec: ActivationParam): string {
  const r = spec.range;
  if (r?.gt === 0 && r.lt === undefined) return 'a positive finite number';
  if (r?.gt !== undefined && r.lt !== undefined) return `a finite number in (${r.gt}, ${r.lt})`;
  if (r?.gt !== undefined) return `a finite number > ${r.gt}`;
  if (r?.lt !== undefined) return `a finite number < ${r.lt}`;
  return 'a finite number';
}

/** `value` checked against `spec`; a bad value throws naming the activation, the parameter and the rule. */
export function checkParam(op: string, key: string, spec: ActivationParam, value: ParamValue): ParamValue {
  if (spec.learnable) return value;
  if (spec.choices) {
    if (typeof value !== 'string' || !spec.choices.includes(value)) {
      throw new RangeError(`${op}: ${key} must be one of ${spec.choices.map((c) => `'${c}'`).join(', ')}, got ${show(value)}`);
    }
    return value;
  }
  const r = spec.range;
  const ok = typeof value === 'number' && Number.isFinite(value)
    && (r?.gt === undefined || value > r.gt) && (r?.lt === undefined || value < r.lt);
  if (!ok) throw new RangeError(`${op}: ${key} must be ${describeRange(spec)}, got ${show(value)}`);
  return value;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : v instanceof Tensor ? 'a Tensor' : typeof v === 'object' && v !== null ? 'a Variable' : String(v);
}

/**
 * Every declared parameter of `def` from `given` (an options object, or the bare value of the
 * positional parameter), defaults filled in and values checked. Unknown options throw.
 */
export function resolveOptions(def: ActivationDef, given: unknown): Record<string, ParamValue> {
  const params = def.params;
  let options: Readonly<Record<string, ParamValue>>;
  if (given === undefined) options = {};
  else if (isPlainOptions(given)) options = given;
  else if (def.positional !== undefined) options = { [def.positional]: given as ParamValue };
  else throw new TypeError(`${def.name}: expected an options object, got ${show(given)}`);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(params, key)) {
      const known = Object.keys(params);
      throw new Error(`activation '${def.name}': unknown option '${key}'${known.length ? `; options: ${known.join(', ')}` : ' (it takes none)'}`);
    }
  }
  const resolved: Record<string, ParamValue> = {};
  for (const [key, spec] of Object.entries(params)) {
    const value = options[key];
    resolved[key] = value === undefined ? spec.default : checkParam(def.name, key, spec, value);
  }
  return resolved;
}

function isPlainOptions(x: unknown): x is Readonly<Record<string, ParamValue>> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}
