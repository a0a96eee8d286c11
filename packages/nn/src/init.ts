import { activationNames, getActivation, type InitFamily } from '@actgrad/autograd';
import { canonicalActivationName } from './names.js';
import { gaussianSampler, type Rng } from './random.js';

/**
 * A weight initializer: fills `w` (a `[fanIn, fanOut]` matrix) from `rng`. Biases start at 0.
 */
export interface InitDef {
  readonly name: string;
  /** Overwrites every element of `w`, a `[fanIn, fanOut]` matrix in row-major order. */
  fill(w: Float32Array | Float64Array, fanIn: number, fanOut: number, rng: Rng): void;
}

function normal(std: number) {
  return (w: Float32Array | Float64Array, rng: Rng) => {
    const gauss = gaussianSampler(rng);
    for (let i = 0; i < w.length; i++) w[i] = std * gauss();
  };
}

function uniform(limit: number) {
  return (w: Float32Array | Float64Array, rng: Rng) => {
    for (let i = 0; i < w.length; i++) w[i] = limit * (2 * rng() - 1);
  };
}

/**
 * The built-in initializers. He (Kaiming, He et al. 2015) keeps Var(w) = 2/fanIn for the ReLU
 * family, whose units pass half the signal; Glorot (Xavier, Glorot & Bengio 2010) uses
 * 2/(fanIn + fanOut) for sigmoid, tanh, linear and softmax; LeCun normal uses 1/fanIn, the
 * variance SELU's self-normalisation assumes (Klambauer et al. 2017).
 */
export const initializers = {
  heNormal: { name: 'heNormal', fill: (w, i, _o, rng) => normal(Math.sqrt(2 / i))(w, rng) },
  heUniform: { name: 'heUniform', fill: (w, i, _o, rng) => uniform(Math.sqrt(6 / i))(w, rng) },
  glorotUniform: { name: 'glorotUniform', fill: (w, i, o, rng) => uniform(Math.sqrt(6 / (i + o)))(w, rng) },
  glorotNormal: { name: 'glorotNormal', fill: (w, i, o, rng) => normal(Math.sqrt(2 / (i + o)))(w, rng) },
  lecunNormal: { name: 'lecunNormal', fill: (w, i, _o, rng) => normal(Math.sqrt(1 / i))(w, rng) },
  lecunUniform: { name: 'lecunUniform', fill: (w, i, _o, rng) => uniform(Math.sqrt(3 / i))(w, rng) },
  zeros: { name: 'zeros', fill: (w) => w.fill(0) },
} satisfies Record<string, InitDef>;

/** A built-in initializer name. `glorot_uniform`-style snake_case spellings are accepted too. */
export type InitName = keyof typeof initializers;

/** snake_case spellings of the built-in initializers (`glorot_uniform`, Keras's names). */
export type InitAlias = 'he_normal' | 'he_uniform' | 'glorot_uniform' | 'glorot_normal' | 'lecun_normal' | 'lecun_uniform';

/** An initializer name: the built-ins and aliases autocomplete; other strings are checked at run time. */
export type InitSpecName = InitName | InitAlias | (string & {});

/** Initializer names, for error messages and UIs. */
export function initNames(): InitName[] {
  return Object.keys(initializers) as InitName[];
}

/** Looks an initializer up by name (camelCase or snake_case) or passes a definition through. */
export function resolveInit(init: InitSpecName | InitDef): InitDef {
  if (typeof init === 'object' && init !== null && typeof init.fill === 'function') return init;
  if (typeof init !== 'string') throw new Error(`initializer must be a name (${initNames().join(', ')}) or a definition with fill`);
  const camel = init.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  if (!Object.hasOwn(initializers, camel)) {
    throw new Error(`unknown initializer '${init}'; valid initializers: ${initNames().join(', ')}`);
  }
  return (initializers as Record<string, InitDef>)[camel];
}

const BY_FAMILY: Readonly<Record<InitFamily, InitName>> = { he: 'heNormal', lecun: 'lecunNormal', glorot: 'glorotUniform' };

/**
 * The initializer for a layer followed by `activation`, from the family its definition declares
 * (`init` in @actgrad/autograd's activation definitions, custom ones included): He normal for the
 * ReLU family, LeCun normal for SELU, Glorot uniform for sigmoid, tanh, linear, softmax, a
 * definition that declares none, and a name no definition has.
 */
export function defaultInitFor(activationIn: string): InitName {
  const activation = canonicalActivationName(activationIn);
  if (!activationNames().includes(activation)) return 'glorotUniform';
  return BY_FAMILY[getActivation(activation).init ?? 'glorot'];
}
