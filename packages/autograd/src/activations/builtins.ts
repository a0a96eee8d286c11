import type { OpDef } from '../op-def.js';
import type { Variable } from '../variable.js';
import type { Input } from './build.js';
import { prelu } from './prelu.js';
import { elu, leakyRelu, relu, selu } from './relu-family.js';
import { linear, sigmoid, tanh } from './sigmoid-tanh.js';
import { gelu, silu, softplus } from './smooth.js';
import { logSoftmax, softmax } from './softmax.js';

/**
 * The built-in activations, in the lecture's order, then the modern additions: the one list the
 * op registry, the functional API, the Variable methods, `activationNames()`, the kernel ids and
 * the test and README tables are derived from. Adding an activation is adding its file and a line here.
 */
export const activations = {
  linear, sigmoid, tanh, relu, leakyRelu, elu, selu, softmax, logSoftmax, gelu, silu, softplus, prelu,
};

/** Name of a built-in activation. */
export type ActivationName = keyof typeof activations;
type Builtins = typeof activations;

/** The arguments after x of built-in `K`'s functional form. */
export type ActivationArgs<K extends ActivationName> = Builtins[K]['call'] extends (x: Input, ...args: infer A) => Variable ? A : never;

/** `x.elu({ alpha })` and friends: one method per built-in, typed from its definition. */
export type ActivationMethods = { [K in ActivationName]: (...args: ActivationArgs<K>) => Variable };

/** The functional API: `elu(x, { alpha })`, one function per built-in. */
export type ActivationFunctions = { [K in ActivationName]: Builtins[K]['call'] };

/** The ops of a list of definitions, by name: what the op registry spreads in. */
export function opsOf<L extends Readonly<Record<string, { readonly op: OpDef<never> }>>>(list: L): { [K in keyof L]: L[K]['op'] } {
  const out: Record<string, OpDef<never>> = {};
  for (const [name, def] of Object.entries(list)) out[name] = def.op;
  return out as { [K in keyof L]: L[K]['op'] };
}

/** The functional forms of a list of definitions, by name. */
export function functionsOf<L extends Readonly<Record<string, { readonly call: unknown }>>>(list: L): { [K in keyof L]: L[K]['call'] } {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(list)) out[name] = def.call;
  return out as { [K in keyof L]: L[K]['call'] };
}

export const activationOps = opsOf(activations);
/** The functional API as one object, name → function: what `relu`, `elu`, … are destructured from. */
export const activationFunctions: ActivationFunctions = functionsOf(activations);
