import { empty } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';
import { contig } from '../ops/layout.js';
import { apply, asVariable } from '../record.js';
import type { ActivationDef } from './registry.js';

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
  return {
    name,
    elementwise: true,
    params: {},
    saves,
    op,
    formula: spec.formula ?? name,
    derivative: spec.derivativeFormula ?? `${name}'`,
    apply: (x) => apply(op, [asVariable(name, x)], null),
  };
}
