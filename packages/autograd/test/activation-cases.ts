import { tensor, type Tensor } from '@actgrad/tensor';
import type { ActivationDef, Variable } from '../src/index.js';
import { transposed } from './helpers.js';

/** A gradient-check case: inputs and the function of them. */
export interface Case {
  /** What the case exercises beyond the op itself (views, broadcasting, options). */
  readonly label: string;
  readonly inputs: readonly Tensor[];
  readonly f: (...xs: Variable[]) => Variable;
}

/**
 * The case every activation gets from its definition alone: default parameters on a transposed
 * (non-contiguous) view in [−4, 4], away from the kink at 0, with each learnable parameter an input.
 */
export function activationCase(def: ActivationDef, seed: number): Case {
  const learnable = Object.keys(def.params).filter((k) => def.params[k].learnable);
  const call = (def as ActivationDef & { call: (x: Variable, o?: object) => Variable }).call;
  return {
    label: 'from the definition: defaults, transposed view',
    inputs: [
      transposed([3, 4], seed, { lo: -4, hi: 4 }),
      ...learnable.map((k) => tensor([def.params[k].default as number], { dtype: 'float64' })),
    ],
    f: (x, ...ps) => call(x, Object.fromEntries(learnable.map((k, i) => [k, ps[i]]))),
  };
}
