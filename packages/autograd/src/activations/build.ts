import { empty, getKernel, type Tensor } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';
import { contig } from '../ops/layout.js';
import { apply, asVariable } from '../record.js';
import type { Variable } from '../variable.js';
import {
  resolveOptions, type ActivationDef, type ActivationParam, type BackwardKernel, type BackwardLoop,
  type ElementwiseActivation, type ForwardKernel, type ForwardLoop, type InitFamily, type ResolvedOptions,
} from './definition.js';

/** What the functional form takes as x. */
export type Input = Variable | Tensor;

type Params = Readonly<Record<string, ActivationParam>>;
/** The value type of one parameter: a Variable for a learnable one, its choices for a string one. */
export type ParamType<S> = S extends { readonly learnable: true } ? Variable | Tensor
  : S extends { readonly choices: readonly (infer C)[] } ? C
  : S extends { readonly default: string } ? string : number;
/** `{ alpha?: number }` from `{ alpha: { default: 1, … } }`. */
export type CallOptions<P> = { readonly [K in keyof P]?: ParamType<P[K]> };
/** The arguments after x: none, options, or options or the positional parameter's bare value. */
export type CallArgs<P, K> = [K] extends [keyof P] ? [arg?: CallOptions<P> | ParamType<P[K]>]
  : keyof P extends never ? [] : [options?: CallOptions<P>];

/** A built-in definition with its functional form typed from its parameters. */
export type Builtin<D extends ActivationDef, A extends unknown[]> = D & {
  /** The functional API: `elu(x)`, `elu(x, { alpha: 0.5 })`, `elu(x, 0.5)`. */
  readonly call: (x: Input, ...args: A) => Variable;
};

const NONE: ResolvedOptions = Object.freeze({});

/** Adds the functional form `call` to a definition, parsing and checking its options. */
export function withCall<D extends ActivationDef, A extends unknown[]>(def: D): Builtin<D, A> {
  const bare = Object.keys(def.params).length === 0;
  const call = (x: Input, arg?: unknown): Variable => {
    const v = asVariable(def.name, x);
    return def.apply(v, bare && arg === undefined ? NONE : resolveOptions(def, arg));
  };
  return Object.assign(def, { call: call as unknown as (x: Input, ...args: A) => Variable });
}

/** The type of an elementwise built-in with parameters P (positional K). Written on each definition, so the
 * Variable methods' types (which come from these) never wait on inferring an initializer. */
export type ElementwiseBuiltin<P extends Params = {}, K extends (keyof P & string) | undefined = undefined> =
  Builtin<ElementwiseActivation & { readonly params: P }, CallArgs<P, K>>;

/** The parameter the loops get as p: attrs of an elementwise node. */
export interface ScalarAttrs { readonly p: number }
const P0: ScalarAttrs = Object.freeze({ p: 0 });

/** The spec of an elementwise activation, in the lecture's terms, with its two reference loops. */
export interface ElementwiseSpec<P extends Params, K extends string | undefined> {
  readonly name: string;
  readonly formula: string;
  readonly derivative: string;
  readonly params: P;
  readonly positional?: K;
  readonly saves: 'input' | 'output';
  /** The initializer family of a layer feeding it (see {@link ActivationDef.init}); default Glorot. */
  readonly init?: InitFamily;
  readonly forward: ForwardLoop;
  readonly backward: BackwardLoop;
  /**
   * True when a backend may offer this activation as the named kernels `<name>.forward` and
   * `<name>.backward` (the wasm backend does: packages/tensor/src/backend/wasm/activations.ts).
   */
  readonly kernel?: boolean;
  /** The loops' p from the parameters; default: the only numeric parameter, or 0. */
  readonly scalar?: (options: ResolvedOptions) => number;
}

/**
 * An elementwise activation from its spec: the op tries the backend's named kernel first (float32
 * in the backend's memory) and runs the reference loop otherwise.
 */
export function elementwise<const P extends Params, const K extends (keyof P & string) | undefined = undefined>(
  spec: ElementwiseSpec<P, K>,
): ElementwiseBuiltin<P, K> {
  const { name, forward: fwd, backward: bwd } = spec;
  const kernel = spec.kernel ? { forward: `${name}.forward`, backward: `${name}.backward` } : undefined;
  const fwdId = kernel?.forward;
  const bwdId = kernel?.backward;
  const fromOutput = spec.saves === 'output';
  const numeric = Object.keys(spec.params).filter((k) => spec.params[k].choices === undefined);
  const scalar = spec.scalar ?? (numeric.length === 1 ? (o: ResolvedOptions) => o[numeric[0]] as number : () => 0);
  const op: OpDef<ScalarAttrs> = {
    name,
    saves: spec.saves,
    forward: (inputs, { p }) => {
      const s = contig(inputs[0]);
      const a = empty(s.shape, s.dtype);
      const k = fwdId === undefined ? undefined : getKernel<ForwardKernel>(fwdId);
      if (!k || !k(s.size, s.data, s.offset, a.data, a.offset, p)) fwd(s.size, s.data, s.offset, a.data, a.offset, p);
      return a;
    },
    backward: ({ grad, saved, attrs: { p } }) => {
      const kept = fromOutput ? saved.output : contig(saved.inputs[0]);
      const g = contig(grad);
      const dx = empty(kept.shape, kept.dtype);
      const k = bwdId === undefined ? undefined : getKernel<BackwardKernel>(bwdId);
      if (!k || !k(kept.size, g.data, g.offset, kept.data, kept.offset, dx.data, dx.offset, p)) {
        bwd(kept.size, g.data, g.offset, kept.data, kept.offset, dx.data, dx.offset, p);
      }
      return [dx];
    },
  };
  const bare = Object.keys(spec.params).length === 0;
  const def: ElementwiseActivation & { readonly params: P } = {
    name,
    formula: spec.formula,
    derivative: spec.derivative,
    init: spec.init,
    elementwise: true,
    params: spec.params,
    saves: spec.saves,
    op: op as OpDef<never>,
    positional: spec.positional,
    forward: fwd,
    backward: bwd,
    kernel,
    scalar,
    apply: (x, o) => apply(op, [x], bare ? P0 : { p: scalar(o) }),
  };
  return withCall(def);
}
