import { activation, affine, getActivation, parameter, variable, Variable, type ActivationDef, type ActivationFn, type ActivationOptions } from '@actgrad/autograd';
import { empty, keep, Tensor, tensor, zeros, type DType, type NestedArray } from '@actgrad/tensor';
import { resolveInit, type InitDef, type InitSpecName } from './init.js';
import { canonicalActivationName, type ActivationNameSpec } from './names.js';
import { makeRng, type Rng } from './random.js';
import { loadStateDict, stateDict, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from './state-dict.js';

/** What a module's `call` accepts: a Variable, a Tensor or nested arrays of numbers. */
export type ModuleInput = Variable | Tensor | NestedArray;

/**
 * Wraps a tensor (as it is) or a nested array (as `dtype`, default float32) as a Variable that
 * records no gradient.
 */
export function asVariable(x: ModuleInput, dtype: DType = 'float32'): Variable {
  if (x instanceof Variable) return x;
  if (x instanceof Tensor) return variable(x, { requiresGrad: false });
  return variable(x, { requiresGrad: false, dtype });
}

/**
 * Base of every layer and model. A module owns parameters (Variables that require a gradient)
 * and sub-modules; `namedParameters()` walks both. As in PyTorch, fields are found on their own:
 * a field holding a parameter, a Module or an array of Modules is registered under its name.
 *
 * ```ts
 * class Net extends Module {
 *   fc1 = new Linear(2, 16);
 *   act = new Activation('tanh');
 *   fc2 = new Linear(16, 1);
 *   forward(x: Variable) { return this.fc2.forward(this.act.forward(this.fc1.forward(x))); }
 * }
 * ```
 *
 * A model may declare its output activation for the loss (see `Sequential`): an
 * `outputActivation` name, and `forwardLogits(x)` (everything but that activation) so that
 * training can fuse sigmoid with binary cross-entropy and softmax with cross-entropy.
 */
export abstract class Module {
  /** Training mode (the default) or evaluation mode; layers may behave differently. */
  training = true;

  /** Runs the module on a batch. */
  abstract forward(x: Variable): Variable;

  /** `forward` on a Variable, Tensor or nested array (read in the parameters' dtype). */
  call(x: ModuleInput): Variable {
    return this.forward(asVariable(x, this.parameters()[0]?.data.dtype));
  }

  /** This module's own parameters, by local name: by default its fields holding a parameter. */
  protected ownParameters(): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [key, v] of Object.entries(this)) if (v instanceof Variable && v.requiresGrad) out.push([key, v]);
    return out;
  }

  /**
   * Direct sub-modules, by local name: by default its fields holding a Module (`fc1`) or an
   * array of Modules (`blocks.0`, `blocks.1`, …), in the order they were assigned.
   */
  children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([key, v]);
      else if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module)) {
        v.forEach((m: Module, i) => out.push([`${key}.${i}`, m]));
      }
    }
    return out;
  }

  /**
   * Every parameter with a dotted path name, e.g. `layers.0.weight`, in a stable order. A module
   * used twice (shared weights) is listed once, under its first name, so optimizers update it once.
   */
  namedParameters(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    this.collect(prefix, out, new Set(), new Set());
    return out;
  }

  // `visited` guards against a module reachable from itself (a field pointing back to a parent).
  private collect(prefix: string, out: [string, Variable][], seen: Set<Variable>, visited: Set<Module>): void {
    if (visited.has(this)) return;
    visited.add(this);
    for (const [name, p] of this.ownParameters()) {
      if (seen.has(p)) continue;
      seen.add(p);
      out.push([prefix + name, p]);
    }
    for (const [name, child] of this.children()) child.collect(`${prefix}${name}.`, out, seen, visited);
  }

  /** Every parameter, in the order of `namedParameters()`. */
  parameters(): Variable[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Total number of scalar parameters. */
  parameterCount(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.data.size;
    return n;
  }

  /**
   * Every parameter's values by the name `namedParameters()` gives it, e.g. `layers.0.weight`.
   * The tensors are copies: later training does not change them.
   */
  stateDict(): StateDict {
    return stateDict(this);
  }

  /**
   * Copies `dict`'s tensors into the parameters of the same names. Everything is checked before
   * any value is written: an entry of the wrong shape or dtype is an error; a missing or
   * unexpected name is one too unless `{ strict: false }`, which reports them instead.
   */
  loadStateDict(dict: StateDict, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDict(this, dict, opts);
  }

  /** Zero-fills every parameter's gradient (its storage is reused). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Sets training mode on this module and its children. Returns `this`. */
  train(mode = true): this {
    this.training = mode;
    for (const [, child] of this.children()) child.train(mode);
    return this;
  }

  /** Sets evaluation mode. Returns `this`. */
  eval(): this {
    return this.train(false);
  }
}

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Weight initializer by name or definition (default `glorotUniform`). Biases start at 0. */
  init?: InitSpecName | InitDef;
  /** Add a bias (default true). */
  bias?: boolean;
  /** Seed of the initializer (default 42); ignored when `rng` is given. */
  seed?: string | number;
  /** A generator to draw from instead of a fresh seeded one (`mlp` shares one over all layers). */
  rng?: Rng;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: DType;
  /**
   * Start from these values instead of running an initializer (loaders use it): `weight` of shape
   * `[inFeatures, outFeatures]` and `bias` of `[outFeatures]` (omit it with `bias: false`), both of
   * `dtype`. The tensors are adopted, not copied. `init` is then only recorded, as a name.
   */
  values?: { weight: Tensor; bias?: Tensor };
}

/**
 * Fully connected layer `y = x W + b` with `W` of shape `[inFeatures, outFeatures]` (row-major,
 * so a batch `[n, in]` multiplies straight through) and `b` of shape `[outFeatures]`.
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Variable;
  readonly bias: Variable | null;
  /** Name of the initializer that filled the weights (`custom` for a user definition). */
  readonly init: string;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Linear: ${k} must be an integer ≥ 1; got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = opts.dtype ?? 'float32';
    if (opts.values) {
      const { weight, bias } = adoptValues(inFeatures, outFeatures, opts.bias !== false, dtype, opts.values);
      this.init = typeof opts.init === 'string' ? opts.init : 'custom';
      this.weight = parameter(weight, { name: 'weight' });
      this.bias = bias ? parameter(bias, { name: 'bias' }) : null;
      return;
    }
    const def = resolveInit(opts.init ?? 'glorotUniform');
    this.init = def.name;
    // Storage from the backend (kept out of any tidy), so kernels such as the wasm matmul read
    // the weights in place instead of staging a copy on every call.
    const w = keep(empty([inFeatures, outFeatures], dtype));
    def.fill(w.data, inFeatures, outFeatures, makeRng(opts.seed, opts.rng));
    this.weight = parameter(w, { name: 'weight' });
    this.bias = opts.bias === false ? null : parameter(keep(zeros([outFeatures], dtype)), { name: 'bias' });
  }

  protected override ownParameters(): [string, Variable][] {
    return this.bias ? [['weight', this.weight], ['bias', this.bias]] : [['weight', this.weight]];
  }

  forward(x: Variable): Variable {
    const s = x.shape;
    if (s.length !== 2 || s[1] !== this.inFeatures) {
      throw new Error(
        `Linear(${this.inFeatures} → ${this.outFeatures}): expected input [batch, ${this.inFeatures}]; got [${s.join(',')}]`,
      );
    }
    // One node: the bias is added, and its gradient summed, in one kernel call each.
    return affine(x, this.weight, this.bias);
  }
}

function adoptValues(inF: number, outF: number, withBias: boolean, dtype: DType,
  values: { weight: Tensor; bias?: Tensor }): { weight: Tensor; bias: Tensor | null } {
  const check = (what: string, t: Tensor | undefined, shape: number[]): Tensor => {
    if (!(t instanceof Tensor)) throw new Error(`Linear: values.${what} must be a Tensor of shape [${shape.join(',')}]`);
    if (t.shape.join(',') !== shape.join(',') || t.dtype !== dtype) {
      throw new Error(`Linear: values.${what} is ${t.dtype} [${t.shape.join(',')}]; expected ${dtype} [${shape.join(',')}]`);
    }
    return keep(t.isContiguous() ? t : t.contiguous());
  };
  const weight = check('weight', values.weight, [inF, outF]);
  if (!withBias) {
    if (values.bias !== undefined) throw new Error('Linear: values.bias given for a layer created with bias: false');
    return { weight, bias: null };
  }
  return { weight, bias: check('bias', values.bias, [outF]) };
}

/**
 * An activation given by built-in name (snake_case aliases such as `leaky_relu` accepted), user
 * definition (`defineActivation`), or either with options: `{ activation: 'leakyRelu', options: { alpha: 0.2 } }`.
 */
export type ActivationChoice = ActivationNameSpec | ActivationDef | { activation: ActivationNameSpec | ActivationDef; options?: ActivationOptions };

/**
 * An activation as a layer, e.g. `new Activation('relu')` or `new Activation('elu', { alpha: 0.5 })`.
 * `dtype` sets the dtype of learnable parameters it creates (PReLU's α), so a float64 model's
 * α is float64 from the start (mlp passes its dtype); without it α follows the first input.
 */
export class Activation extends Module {
  /** Registry name of the activation (the user definition's name for custom ones). */
  readonly activationName: string;
  readonly def: string | ActivationDef;
  readonly options: ActivationOptions | undefined;
  private readonly fn: ActivationFn;

  constructor(nameOrDef: ActivationNameSpec | ActivationDef, options?: ActivationOptions, dtype?: DType) {
    super();
    const def = typeof nameOrDef === 'string' ? canonicalActivationName(nameOrDef) : nameOrDef;
    this.def = def;
    this.options = options;
    this.fn = activation(def, dtype ? withLearnables(def, options, dtype) : options);
    this.activationName = this.fn.activationName;
  }

  // Learnable hyper-parameters (PReLU's α) train with the weights, under their option name.
  protected override ownParameters(): [string, Variable][] {
    return this.fn.parameters.map((p) => [p.name?.split('.').pop() ?? 'param', p]);
  }

  /** Builds an Activation from any {@link ActivationChoice}. */
  static from(spec: ActivationChoice, dtype?: DType): Activation {
    if (typeof spec === 'object' && 'activation' in spec) return new Activation(spec.activation, spec.options, dtype);
    return new Activation(spec, undefined, dtype);
  }

  /**
   * Gives the learnable parameters this layer created (PReLU's α, not one passed in `options`)
   * `dtype`, unless they have trained already. `Sequential` calls it with the model's dtype, so α
   * matches the weights (and an optimizer's state for it does) before the first forward pass.
   */
  adoptDtype(dtype: DType): void {
    const given = new Set(Object.values(this.options ?? {}));
    for (const p of this.fn.parameters) {
      if (p.data.dtype !== dtype && p.grad === null && !given.has(p)) p.data = keep(p.data.astype(dtype));
    }
  }

  /** True when `def` is a user definition rather than a built-in name. */
  get isCustom(): boolean {
    return typeof this.def !== 'string';
  }

  forward(x: Variable): Variable {
    return this.fn(x);
  }
}

/** `options` with each learnable parameter not given as a Variable created in `dtype`. */
function withLearnables(nameOrDef: string | ActivationDef, options: ActivationOptions | undefined, dtype: DType): ActivationOptions | undefined {
  let def: ActivationDef;
  try {
    def = typeof nameOrDef === 'string' ? getActivation(nameOrDef) : nameOrDef;
  } catch {
    return options; // unknown name: activation() refuses it with the list of valid ones
  }
  let out = options;
  for (const [key, spec] of Object.entries(def.params ?? {})) {
    const given = options?.[key];
    if (!spec.learnable || given instanceof Variable) continue;
    const value: unknown = given ?? spec.default;
    if (typeof value !== 'number') continue; // activation() names the bad option
    // Named as activation() names the ones it creates, so ownParameters lists it the same way.
    const p = parameter(keep(tensor([value], { dtype })), { name: `${def.name}.${key}` });
    out = { ...out, [key]: p };
  }
  return out;
}
