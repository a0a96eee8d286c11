import { keep, tensor } from '@actgrad/tensor';
import type { OpDef, Saves } from '../op-def.js';
import { ops } from '../registry.js';
import { parameter, Variable } from '../variable.js';
import * as fn from './functions.js';

/** A numeric hyper-parameter of an activation, e.g. leaky ReLU's α. */
export interface ActivationParam {
  readonly default: number;
  readonly description: string;
  /** A parameter trained with the weights (PReLU's α): the activation owns a Variable for it. */
  readonly learnable?: boolean;
}

/** Options passed to {@link activation}: numbers for hyper-parameters, or a Variable for a learnable one. */
export type ActivationOptions = Readonly<Record<string, number | Variable>>;

/** Resolved options: every declared parameter with a value. */
export type ResolvedOptions = Readonly<Record<string, number | Variable>>;

/**
 * One activation: a node with its own forward and backward (`op`), plus what the lab, layers
 * and command lines need to use it by name.
 */
export interface ActivationDef {
  readonly name: string;
  /** True when a_i depends on s_i alone (everything but softmax and logSoftmax): it can be plotted as a(s). */
  readonly elementwise: boolean;
  readonly params: Readonly<Record<string, ActivationParam>>;
  readonly saves: Saves;
  readonly op: OpDef<never>;
  /** a(s) and a'(s) as implemented, conventions included. */
  readonly formula: string;
  readonly derivative: string;
  /** Builds the node for `x` with every declared parameter resolved. */
  apply(x: Variable, options: ResolvedOptions): Variable;
}

/** What {@link activation} returns: the node builder, plus any learnable parameters it owns. */
export interface ActivationFn {
  (x: Variable): Variable;
  readonly activationName: string;
  readonly parameters: readonly Variable[];
}

const NO_PARAMS = {} as const;
const num = (o: ResolvedOptions, k: string): number => o[k] as number;

/** Built-in activations by name, in the lecture's order, then the modern additions. */
export const activations = {
  linear: { name: 'linear', elementwise: true, params: NO_PARAMS, saves: 'none', op: ops.linear,
    formula: 's', derivative: '1', apply: (x) => fn.linear(x) },
  sigmoid: { name: 'sigmoid', elementwise: true, params: NO_PARAMS, saves: 'output', op: ops.sigmoid,
    formula: '1/(1+e^-s)', derivative: 'a(1-a)', apply: (x) => fn.sigmoid(x) },
  tanh: { name: 'tanh', elementwise: true, params: NO_PARAMS, saves: 'output', op: ops.tanh,
    formula: '(e^s-e^-s)/(e^s+e^-s)', derivative: '1-a^2', apply: (x) => fn.tanh(x) },
  relu: { name: 'relu', elementwise: true, params: NO_PARAMS, saves: 'input', op: ops.relu,
    formula: '0 for s<0, s for s>=0', derivative: '0 for s<0, 1 for s>=0', apply: (x) => fn.relu(x) },
  leakyRelu: { name: 'leakyRelu', elementwise: true, saves: 'input', op: ops.leakyRelu,
    params: { alpha: { default: 0.01, description: 'slope for s < 0' } },
    formula: 'alpha*s for s<0, s for s>=0', derivative: 'alpha for s<0, 1 for s>=0',
    apply: (x, o) => fn.leakyRelu(x, num(o, 'alpha')) },
  elu: { name: 'elu', elementwise: true, saves: 'output', op: ops.elu,
    params: { alpha: { default: 1, description: 'saturation value -alpha for s -> -inf (alpha > 0)' } },
    formula: 'alpha(e^s-1) for s<0, s for s>=0', derivative: 'a+alpha for s<0, 1 for s>=0',
    apply: (x, o) => fn.elu(x, num(o, 'alpha')) },
  selu: { name: 'selu', elementwise: true, params: NO_PARAMS, saves: 'input', op: ops.selu,
    formula: 'lambda*s for s>=0, lambda*alpha(e^s-1) for s<0', derivative: 'lambda for s>=0, lambda*alpha*e^s for s<0',
    apply: (x) => fn.selu(x) },
  softmax: { name: 'softmax', elementwise: false, saves: 'output', op: ops.softmax,
    params: { axis: { default: -1, description: 'axis normalized over' } },
    formula: 'e^s_i / sum_j e^s_j', derivative: 'g_s = a*(g - sum_j g_j a_j) (full Jacobian)',
    apply: (x, o) => fn.softmax(x, num(o, 'axis')) },
  logSoftmax: { name: 'logSoftmax', elementwise: false, saves: 'output', op: ops.logSoftmax,
    params: { axis: { default: -1, description: 'axis normalized over' } },
    formula: 's_i - log sum_j e^s_j', derivative: 'g_s = g - e^a * sum_j g_j',
    apply: (x, o) => fn.logSoftmax(x, num(o, 'axis')) },
  gelu: { name: 'gelu', elementwise: true, params: NO_PARAMS, saves: 'input', op: ops.gelu,
    formula: 's*Phi(s)', derivative: 'Phi(s) + s*phi(s)', apply: (x) => fn.gelu(x) },
  silu: { name: 'silu', elementwise: true, params: NO_PARAMS, saves: 'input', op: ops.silu,
    formula: 's*sigmoid(s)', derivative: 'sigmoid(s)(1 + s(1 - sigmoid(s)))', apply: (x) => fn.silu(x) },
  softplus: { name: 'softplus', elementwise: true, params: NO_PARAMS, saves: 'input', op: ops.softplus,
    formula: 'log(1+e^s)', derivative: 'sigmoid(s)', apply: (x) => fn.softplus(x) },
  prelu: { name: 'prelu', elementwise: true, saves: 'input', op: ops.prelu,
    params: { alpha: { default: 0.25, description: 'learnable slope for s < 0', learnable: true } },
    formula: 'alpha*s for s<0, s for s>=0', derivative: 'alpha for s<0, 1 for s>=0; d/dalpha = s for s<0',
    apply: (x, o) => fn.prelu(x, o.alpha as Variable) },
} satisfies Record<string, ActivationDef>;

/** Name of a built-in activation. */
export type ActivationName = keyof typeof activations;

const custom = new Map<string, ActivationDef>();

/** Built-in names, then registered ones. */
export function activationNames(): string[] {
  return [...Object.keys(activations), ...custom.keys()];
}

/** The definition registered under `name`; an unknown name throws listing the valid ones. */
export function getActivation(name: string): ActivationDef {
  if (Object.prototype.hasOwnProperty.call(activations, name)) return activations[name as ActivationName];
  const def = custom.get(name);
  if (def === undefined) throw new Error(`unknown activation '${name}'; valid: ${activationNames().join(', ')}`);
  return def;
}

/** Adds a user activation (from {@link defineActivation}) to the registry, so it can be used by name. */
export function registerActivation(def: ActivationDef): ActivationDef {
  if (!isActivationDef(def)) throw new TypeError('registerActivation: expected a definition made by defineActivation');
  if (Object.prototype.hasOwnProperty.call(activations, def.name)) {
    throw new Error(`registerActivation: '${def.name}' is a built-in activation`);
  }
  const existing = custom.get(def.name);
  if (existing !== undefined && existing !== def) throw new Error(`registerActivation: '${def.name}' is already registered`);
  custom.set(def.name, def);
  return def;
}

/** Removes a user activation; returns whether it was registered. */
export function unregisterActivation(name: string): boolean {
  return custom.delete(name);
}

function isActivationDef(x: unknown): x is ActivationDef {
  return typeof x === 'object' && x !== null && typeof (x as ActivationDef).name === 'string'
    && typeof (x as ActivationDef).apply === 'function' && typeof (x as ActivationDef).op === 'object';
}

/**
 * The activation `nameOrDef` as a function of one Variable, with hyper-parameters from `options`
 * (defaults otherwise). A learnable parameter (PReLU's α) is created as a parameter unless given
 * as a Variable; it is listed in the result's `parameters` so a layer can train it.
 */
export function activation(nameOrDef: string | ActivationDef, options: ActivationOptions = {}): ActivationFn {
  let def: ActivationDef;
  if (typeof nameOrDef === 'string') def = getActivation(nameOrDef);
  else if (isActivationDef(nameOrDef)) def = nameOrDef;
  else throw new TypeError(`activation: expected a name or a definition; valid names: ${activationNames().join(', ')}`);
  const params: Readonly<Record<string, ActivationParam>> = def.params;
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(params, key)) {
      const known = Object.keys(params);
      throw new Error(`activation '${def.name}': unknown option '${key}'${known.length ? `; options: ${known.join(', ')}` : ' (it takes none)'}`);
    }
  }
  const resolved: Record<string, number | Variable> = {};
  const owned: Variable[] = [];
  for (const [key, spec] of Object.entries(params)) {
    const given = options[key];
    if (spec.learnable) {
      const v = given instanceof Variable ? given
        : parameter(tensor([given ?? spec.default]), { name: `${def.name}.${key}` });
      resolved[key] = v;
      if (v.requiresGrad) owned.push(v);
    } else {
      if (given instanceof Variable) throw new TypeError(`activation '${def.name}': option '${key}' must be a number`);
      resolved[key] = given ?? spec.default;
    }
  }
  const run = ((x: Variable) => {
    // An α this function created follows the input's dtype until it has been trained.
    for (const p of owned) if (p.dtype !== x.dtype && p.grad === null) p.data = keep(p.data.astype(x.dtype));
    return def.apply(x, resolved);
  }) as ActivationFn;
  return Object.assign(run, { activationName: def.name, parameters: owned });
}
