import { empty } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';
import { contig } from '../ops/layout.js';
import { apply, asVariable } from '../record.js';
import type { ActivationDef, InitFamily } from './definition.js';
import { worstDerivativeMismatch } from './derivative-check.js';

/** What the derivative of a user activation receives: the input s and the output a = f(s). */
export interface ActivationPoint {
  readonly s: number;
  readonly a: number;
}

/** A user activation from scalar functions, in the lecture's terms. */
export interface ActivationSpec {
  readonly name: string;
  /** a = f(s). */
  readonly forward: (s: number) => number;
  /** a'(s), written in terms of s, a, or both (like σ' = a(1 − a)). */
  readonly derivative: (point: ActivationPoint) => number;
  /** What the node keeps for backward: the input s, the output a, or both (default). */
  readonly saves?: 'input' | 'output' | 'both';
  /** One-line formulas for docs and the lab; optional. */
  readonly formula?: string;
  readonly derivativeFormula?: string;
  /**
   * The initializer family of a layer feeding it, as nn's `mlp` picks one: 'he' for a ReLU-like
   * unit, 'lecun' for a self-normalizing one, 'glorot' (the default) otherwise.
   */
  readonly init?: InitFamily;
  /** Where the forward has kinks besides 0: the check also probes them ± ε. */
  readonly kinks?: readonly number[];
  /**
   * The derivative is compared with the forward's slope (float64 central differences over a grid
   * in [−8, 8], 0 and the kinks ± ε, and s = ±20, ±50) and a disagreement throws, showing the
   * worst point. `false` skips that check, for a derivative known to differ on purpose.
   */
  readonly check?: boolean;
}

/** Definitions that passed the derivative check, or whose author opted out of it. */
const checked = new WeakSet<object>();

/** Throws when `def`'s derivative disagrees with its forward (see {@link ActivationSpec.check}). */
export function assertDerivative(def: ActivationDef, forward: (s: number) => number, kinks?: readonly number[]): void {
  const worst = worstDerivativeMismatch(def.op as OpDef<unknown>, forward, kinks);
  if (worst !== null) {
    throw new Error(`defineActivation '${def.name}': the derivative disagrees with the forward; worst at s = ${worst.s}: `
      + `derivative ${worst.derivative}, forward's slope ${worst.numeric} (central difference). `
      + `${Number.isNaN(worst.derivative) ? 'A NaN there often means it reads s or a that `saves` leaves out. ' : ''}`
      + 'Fix the derivative, or pass { check: false } to skip this check.');
  }
  checked.add(def);
}

/** Whether `def` was checked (or explicitly not) when defined. */
export function wasChecked(def: ActivationDef): boolean {
  return checked.has(def);
}

/**
 * Makes an elementwise activation node from `forward` and `derivative`: it records, saves and
 * backpropagates like the built-ins (pass it to `activation`, or `registerActivation` it to use
 * it by name). The scalar callbacks run once per element, so built-ins stay faster.
 */
export function defineActivation(spec: ActivationSpec): ActivationDef {
  if (spec === null || typeof spec !== 'object') throw new TypeError('defineActivation: expected { name, forward, derivative }');
  const { name, forward, derivative } = spec;
  const saves = spec.saves ?? 'both';
  if (typeof name !== 'string' || !/^[A-Za-z_][\w-]*$/.test(name)) {
    throw new Error(`defineActivation: name must be an identifier, got '${String(name)}'`);
  }
  if (typeof forward !== 'function' || typeof derivative !== 'function') {
    throw new TypeError(`defineActivation '${name}': forward and derivative must be functions`);
  }
  if (saves !== 'input' && saves !== 'output' && saves !== 'both') {
    throw new Error(`defineActivation '${name}': saves must be 'input', 'output' or 'both'`);
  }
  if (spec.init !== undefined && spec.init !== 'he' && spec.init !== 'lecun' && spec.init !== 'glorot') {
    throw new Error(`defineActivation '${name}': init must be 'he', 'lecun' or 'glorot', not ${JSON.stringify(spec.init)}`);
  }
  const keepS = saves !== 'output';
  const keepA = saves !== 'input';
  const op: OpDef<unknown> = {
    name,
    saves,
    forward: (inputs) => {
      const s = contig(inputs[0]);
      const a = empty(s.shape, s.dtype);
      const sd = s.data, ad = a.data, so = s.offset, ao = a.offset;
      for (let i = 0; i < s.size; i++) {
        const v = forward(sd[so + i]);
        if (Number.isNaN(v) && !Number.isNaN(sd[so + i])) {
          throw new Error(`activation '${name}': forward returned NaN at s = ${sd[so + i]}`);
        }
        ad[ao + i] = v;
      }
      return a;
    },
    backward: ({ grad, saved }) => {
      const s = contig(saved.inputs[0]);
      const a = saved.output;
      const g = contig(grad);
      const dx = empty(s.shape, s.dtype);
      // One point object reused for every element; a value not saved reads as NaN, so a
      // derivative that uses it shows up in checkActivation instead of silently working.
      const point = { s: NaN, a: NaN };
      const sd = s.data, ad = a.data, gd = g.data, dd = dx.data;
      const so = s.offset, ao = a.offset, go = g.offset, dof = dx.offset;
      for (let i = 0; i < s.size; i++) {
        point.s = keepS ? sd[so + i] : NaN;
        point.a = keepA ? ad[ao + i] : NaN;
        dd[dof + i] = gd[go + i] * derivative(point);
      }
      return [dx];
    },
  };
  const def: ActivationDef = {
    name,
    init: spec.init,
    elementwise: true,
    params: {},
    saves,
    op: op as OpDef<never>,
    formula: spec.formula ?? name,
    derivative: spec.derivativeFormula ?? `${name}'`,
    apply: (x) => apply(op, [asVariable(name, x)], null),
  };
  if (spec.check === false) checked.add(def);
  else assertDerivative(def, forward, spec.kinks);
  return def;
}
