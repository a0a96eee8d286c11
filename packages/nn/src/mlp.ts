import type { DType } from '@actgrad/tensor';
import { defaultInitFor, resolveInit, type InitDef, type InitSpecName } from './init.js';
import { Activation, Linear, type ActivationChoice, type Module } from './module.js';
import { canonicalActivationName } from './names.js';
import { DEFAULT_SEED, makeRng } from './random.js';
import { Sequential } from './sequential.js';

/** An initializer choice: `auto` picks from the activation after the layer. */
export type InitSpec = 'auto' | InitSpecName | InitDef;

/** Options of {@link mlp}. */
export interface MLPOptions {
  /** Layer widths from input to output, e.g. `[2, 16, 16, 1]` (at least two entries). */
  sizes: number[];
  /** Hidden activation, or one per hidden layer (default `relu`). Built-in name or user definition. */
  hidden?: ActivationChoice | ActivationChoice[];
  /** Output activation (default `linear`, i.e. none). */
  output?: ActivationChoice;
  /**
   * Weight initializer, or one per Linear layer (default `auto`: He normal before the ReLU family,
   * Glorot uniform before sigmoid, tanh, linear and softmax, LeCun normal before SELU).
   */
  init?: InitSpec | InitSpec[];
  /** Seed of the initialisation (default 42). */
  seed?: string | number;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

function specName(spec: ActivationChoice): string {
  if (typeof spec === 'string') return canonicalActivationName(spec);
  if ('activation' in spec) return typeof spec.activation === 'string' ? canonicalActivationName(spec.activation) : spec.activation.name;
  return spec.name;
}

/**
 * A multilayer perceptron: Linear layers of the given `sizes`, each hidden one followed by its
 * activation, the last by the output activation. Weights are drawn from one seeded stream.
 *
 * ```ts
 * const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
 * ```
 */
export function mlp(opts: MLPOptions): Sequential {
  const { sizes } = opts;
  if (!Array.isArray(sizes) || sizes.length < 2) throw new Error('mlp: sizes must list at least an input and an output width, e.g. [2, 16, 1]');
  sizes.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 1) throw new Error(`mlp: sizes[${i}] must be an integer ≥ 1; got ${s}`);
  });
  const nLinear = sizes.length - 1;
  const nHidden = nLinear - 1;
  const hiddenIn = opts.hidden ?? 'relu';
  const hidden: ActivationChoice[] = Array.isArray(hiddenIn) ? hiddenIn : new Array<ActivationChoice>(nHidden).fill(hiddenIn);
  if (hidden.length !== nHidden) {
    throw new Error(`mlp: hidden lists ${hidden.length} activations but sizes [${sizes.join(', ')}] has ${nHidden} hidden layers`);
  }
  const output = opts.output ?? 'linear';
  const after = [...hidden, output];
  const initIn = opts.init ?? 'auto';
  const inits: InitSpec[] = Array.isArray(initIn) ? initIn : new Array<InitSpec>(nLinear).fill(initIn);
  if (inits.length !== nLinear) throw new Error(`mlp: init lists ${inits.length} initializers but the model has ${nLinear} Linear layers`);

  const seed = opts.seed ?? DEFAULT_SEED;
  const rng = makeRng(seed);
  const layers: Module[] = [];
  const initNames: string[] = [];
  for (let i = 0; i < nLinear; i++) {
    const act = after[i];
    const name = specName(act);
    const init: string | InitDef = inits[i] === 'auto' ? defaultInitFor(name) : inits[i];
    const def = resolveInit(init);
    initNames.push(def.name);
    layers.push(new Linear(sizes[i], sizes[i + 1], { init: def, rng, dtype: opts.dtype }));
    // A linear activation is the identity: leave it out of the graph.
    // The model's dtype, so learnable activation parameters (PReLU's α) match the weights from the start.
    if (name !== 'linear') layers.push(Activation.from(act, opts.dtype));
  }
  const model = new Sequential(layers);
  model.config = { sizes: [...sizes], hidden: hidden.map(specName), output: specName(output), init: initNames, seed };
  return model;
}
