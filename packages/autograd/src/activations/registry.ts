import { keep, tensor, Tensor } from '@actgrad/tensor';
import { parameter, Variable } from '../variable.js';
import type { OpDef } from '../op-def.js';
import { activations, type ActivationName } from './builtins.js';
import { assertDerivative, wasChecked } from './define.js';
import { checkParam, type ActivationDef, type ActivationOptions, type ActivationParam, type ParamValue } from './definition.js';

export { activations };
export type { ActivationName };
export type { ActivationDef, ActivationOptions, ActivationParam };

/** What {@link activation} returns: the node builder, plus any learnable parameters it owns. */
export interface ActivationFn {
  (x: Variable): Variable;
  readonly activationName: string;
  readonly parameters: readonly Variable[];
}

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
  // A definition not made (and checked) by defineActivation gets the same derivative check here.
  if (!wasChecked(def) && def.elementwise && Object.keys(def.params).length === 0) {
    const op = def.op as OpDef<unknown>;
    assertDerivative(def, (v) => op.forward([tensor([v], { dtype: 'float64' })], null).data[0]!);
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
  const resolved: Record<string, ParamValue> = {};
  const owned: Variable[] = [];
  for (const [key, spec] of Object.entries(params)) {
    const given = options[key];
    if (spec.learnable) {
      const v = given instanceof Variable ? given
        : parameter(given instanceof Tensor ? given : tensor([(given as number | undefined) ?? (spec.default as number)]), { name: `${def.name}.${key}` });
      resolved[key] = v;
      if (v.requiresGrad) owned.push(v);
    } else {
      if (given instanceof Variable || given instanceof Tensor) throw new TypeError(`activation '${def.name}': option '${key}' must be a ${typeof spec.default}`);
      resolved[key] = given === undefined ? spec.default : checkParam(def.name, key, spec, given);
    }
  }
  const run = ((x: Variable) => {
    // An α this function created follows the input's dtype until it has been trained.
    for (const p of owned) if (p.dtype !== x.dtype && p.grad === null) p.data = keep(p.data.astype(x.dtype));
    return def.apply(x, resolved);
  }) as ActivationFn;
  return Object.assign(run, { activationName: def.name, parameters: owned });
}
