import { activation, parameter, variable, Variable, type ActivationDef, type ActivationFn, type ActivationOptions } from '@actgrad/autograd';
import { empty, keep, Tensor, zeros, type DType, type NestedArray } from '@actgrad/tensor';
import { resolveInit, type InitDef, type InitName } from './init.js';
import { makeRng, type Rng } from './random.js';

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
 * and sub-modules; `namedParameters()` walks both, so containers need only list children.
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

  /** This module's own parameters, by local name. */
  protected ownParameters(): [string, Variable][] {
    return [];
  }

  /** Direct sub-modules, by local name. */
  children(): [string, Module][] {
    return [];
  }

  /**
   * Every parameter with a dotted path name, e.g. `layers.0.weight`, in a stable order. A module
   * used twice (shared weights) is listed once, under its first name, so optimizers update it once.
   */
  namedParameters(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    const seen = new Set<Variable>();
    this.collect(prefix, out, seen);
    return out;
  }

  private collect(prefix: string, out: [string, Variable][], seen: Set<Variable>): void {
    for (const [name, p] of this.ownParameters()) {
      if (seen.has(p)) continue;
      seen.add(p);
      out.push([prefix + name, p]);
    }
    for (const [name, child] of this.children()) child.collect(`${prefix}${name}.`, out, seen);
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
  init?: InitName | InitDef | string;
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
    const y = x.matmul(this.weight);
    return this.bias ? y.add(this.bias) : y;
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
 * An activation given by built-in name, user definition (`defineActivation`), or either with
 * options: `{ activation: 'leakyRelu', options: { alpha: 0.2 } }`.
 */
export type ActivationChoice = string | ActivationDef | { activation: string | ActivationDef; options?: ActivationOptions };

/** An activation as a layer, e.g. `new Activation('relu')` or `new Activation('elu', { alpha: 0.5 })`. */
export class Activation extends Module {
  /** Registry name of the activation (the user definition's name for custom ones). */
  readonly activationName: string;
  readonly def: string | ActivationDef;
  readonly options: ActivationOptions | undefined;
  private readonly fn: ActivationFn;

  constructor(nameOrDef: string | ActivationDef, options?: ActivationOptions) {
    super();
    this.def = nameOrDef;
    this.options = options;
    this.fn = activation(nameOrDef, options);
    this.activationName = this.fn.activationName;
  }

  // Learnable hyper-parameters (PReLU's α) train with the weights, under their option name.
  protected override ownParameters(): [string, Variable][] {
    return this.fn.parameters.map((p) => [p.name?.split('.').pop() ?? 'param', p]);
  }

  /** Builds an Activation from any {@link ActivationChoice}. */
  static from(spec: ActivationChoice): Activation {
    if (typeof spec === 'object' && 'activation' in spec) return new Activation(spec.activation, spec.options);
    return new Activation(spec);
  }

  /** True when `def` is a user definition rather than a built-in name. */
  get isCustom(): boolean {
    return typeof this.def !== 'string';
  }

  forward(x: Variable): Variable {
    return this.fn(x);
  }
}
