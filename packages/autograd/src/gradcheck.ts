import { Tensor, uniform } from '@actgrad/tensor';
import { noGrad } from './grad-mode.js';
import { nextIndex } from './ops/layout.js';
import { Variable } from './variable.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Central-difference step. Default 1e-6. */
  readonly eps?: number;
  /** An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|. Defaults 1e-6 and 1e-5. */
  readonly atol?: number;
  readonly rtol?: number;
  /** Seed of the random upstream gradient (uniform in [−1, 1], never all ones). Default 0. */
  readonly seed?: number | string;
}

/** The element where analytic and numeric gradients disagree most (relative to the tolerance). */
export interface GradcheckWorst {
  /** Which input. */
  readonly input: number;
  /** Row-major flat index within that input. */
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/**
 * What `gradcheck` found: whether every analytic gradient element is within tolerance of its
 * central-difference estimate, the largest errors, and the worst element.
 */
export interface GradcheckResult {
  /** True when every element is within `atol + rtol·|numeric|`. */
  readonly ok: boolean;
  /** max |analytic − numeric| over all elements of all inputs. */
  readonly maxAbsError: number;
  /** max |analytic − numeric| / max(|analytic|, |numeric|) over elements where either exceeds atol. */
  readonly maxRelError: number;
  /** The element furthest outside the tolerance (or closest to it); input −1 when there were no elements. */
  readonly worst: GradcheckWorst;
}

/**
 * Checks `f`'s backward against central differences in float64. Inputs are cast to float64
 * (float64 views, transposed or sliced, are used as they are, so strided paths get checked).
 * The scalar compared is Σ f(x)·u with a seeded random u, so a wrong chain rule cannot hide
 * behind an upstream gradient of ones. Inputs must not overlap in memory or be broadcast
 * (stride-0) views: perturbing one element would move several.
 *
 * @example
 * ```ts
 * const { ok, maxAbsError } = gradcheck((x) => x.tanh().sum(), [randn([3, 4], { seed: 1 })]);
 * ```
 */
export function gradcheck(
  f: (...xs: Variable[]) => Variable, inputs: readonly Tensor[], opts: GradcheckOptions = {},
): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-6;
  const rtol = opts.rtol ?? 1e-5;
  const xs = inputs.map((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`gradcheck: input ${i} is not a Tensor`);
    for (let d = 0; d < t.ndim; d++) {
      if (t.strides[d] === 0 && t.shape[d] > 1) throw new Error(`gradcheck: input ${i} is a broadcast view (stride 0 on axis ${d})`);
    }
    return t.dtype === 'float64' ? t : t.astype('float64');
  });
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < i; j++) {
      if (xs[i].data === xs[j].data) throw new Error(`gradcheck: inputs ${j} and ${i} share storage; pass a clone() of one`);
    }
  }
  const vars = xs.map((t) => new Variable(t, true));
  const out = f(...vars);
  if (!(out instanceof Variable)) throw new TypeError('gradcheck: f must return a Variable');
  if (out.dtype !== 'float64') throw new Error(`gradcheck: f returned ${out.dtype}; keep the computation in float64`);
  const u = uniform(out.shape, -1, 1, { seed: opts.seed ?? 0, dtype: 'float64' });
  if (out.requiresGrad) out.backward(u);
  const objective = (): number => dot(noGrad(() => f(...vars)).data, u);

  let maxAbsError = 0;
  let maxRelError = 0;
  let worst: GradcheckWorst = { input: -1, index: -1, analytic: 0, numeric: 0 };
  let worstRatio = -1;
  xs.forEach((x, i) => {
    const analytic = vars[i].grad;
    forEachOffset(x, (at, index) => {
      const original = x.data[at];
      x.data[at] = original + eps;
      const up = objective();
      x.data[at] = original - eps;
      const down = objective();
      x.data[at] = original;
      const numeric = (up - down) / (2 * eps);
      const a = analytic === null ? 0 : analytic.get(...unravel(index, x.shape));
      const err = Math.abs(a - numeric);
      const scale = Math.max(Math.abs(a), Math.abs(numeric));
      if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? NaN : err;
      if (scale > atol && err / scale > maxRelError) maxRelError = err / scale;
      const ratio = Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(numeric));
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = { input: i, index, analytic: a, numeric };
      }
    });
  });
  return { ok: worstRatio <= 1, maxAbsError, maxRelError, worst };
}

/** {@link gradcheck}, throwing a message that names the worst element when the check fails. */
export function assertGradcheck(
  f: (...xs: Variable[]) => Variable, inputs: readonly Tensor[], opts: GradcheckOptions = {},
): GradcheckResult {
  const result = gradcheck(f, inputs, opts);
  if (!result.ok) throw new Error(`gradcheck failed: ${describeWorst(result, opts)}`);
  return result;
}

/** One line naming the worst element of a result. */
export function describeWorst(result: GradcheckResult, opts: GradcheckOptions = {}): string {
  const w = result.worst;
  if (w.input < 0) return 'no elements';
  return `input ${w.input}, flat index ${w.index}: analytic ${w.analytic} vs numeric ${w.numeric} ` +
    `(abs error ${Math.abs(w.analytic - w.numeric).toExponential(3)}, tolerance ${opts.atol ?? 1e-6} + ${opts.rtol ?? 1e-5}·|numeric|)`;
}

function dot(t: Tensor, u: Tensor): number {
  let total = 0;
  forEachOffset(t, (at, index) => {
    total += t.data[at] * u.data[u.offset + index];
  });
  return total;
}

/** Storage offset of every element of `t` in row-major order (u is contiguous, so its index is flat). */
function forEachOffset(t: Tensor, visit: (at: number, index: number) => void): void {
  const nd = t.ndim;
  const counter = new Array<number>(nd).fill(0);
  for (let k = 0; k < t.size; k++) {
    let at = t.offset;
    for (let d = 0; d < nd; d++) at += counter[d] * t.strides[d];
    visit(at, k);
    nextIndex(counter, t.shape);
  }
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return out;
}
