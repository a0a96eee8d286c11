import { tensor, uniform } from '@actgrad/tensor';
import { gradcheck, type GradcheckOptions, type GradcheckResult } from '../gradcheck.js';
import type { Variable } from '../variable.js';
import type { ActivationDef, ParamValue } from './definition.js';
import { getActivation } from './registry.js';

/** Options of {@link checkActivation}. */
export interface CheckActivationOptions extends GradcheckOptions {
  /** Inputs are drawn from [−range, range]. Default 3. */
  readonly range?: number;
  /** Inputs keep at least this distance from 0, where the ReLU family has its kink. Default 0.05. */
  readonly kinkMargin?: number;
}

/**
 * Gradient-checks an activation (a definition or a registered name) on seeded float64 inputs
 * away from the kink at 0, through a transposed (non-contiguous) view, with default
 * hyper-parameters; learnable parameters are checked too.
 */
export function checkActivation(def: ActivationDef | string, opts: CheckActivationOptions = {}): GradcheckResult {
  const d = typeof def === 'string' ? getActivation(def) : def;
  const range = opts.range ?? 3;
  const margin = opts.kinkMargin ?? 0.05;
  const base = uniform([5, 4], -range, range, { seed: opts.seed ?? 'checkActivation', dtype: 'float64' });
  for (let i = 0; i < base.size; i++) {
    const v = base.data[base.offset + i];
    if (Math.abs(v) < margin) base.data[base.offset + i] = v < 0 ? -margin : margin;
  }
  const x = base.transpose();
  const names = Object.keys(d.params);
  const learnable = names.filter((k) => d.params[k].learnable);
  const extra = learnable.map((k) => tensor([d.params[k].default as number], { dtype: 'float64' }));
  return gradcheck((xv: Variable, ...ps: Variable[]) => {
    const resolved: Record<string, ParamValue> = {};
    for (const k of names) resolved[k] = d.params[k].default;
    learnable.forEach((k, i) => {
      resolved[k] = ps[i];
    });
    return d.apply(xv, resolved);
  }, [x, ...extra], opts);
}
