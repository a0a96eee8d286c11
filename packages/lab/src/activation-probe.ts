import { activation, activationNames, getActivation, variable } from '@actgrad/autograd';
import { ones, tensor } from '@actgrad/tensor';

/**
 * Looks at activations through the registry's own nodes: a(s) is the node's forward on a grid of
 * s, a′(s) is what its backward sends to s for an upstream gradient of ones. What is plotted is
 * what training runs, user-registered activations included — not a formula typed a second time.
 */

export interface ActivationCurve {
  name: string;
  s: Float64Array;
  a: Float64Array;
  da: Float64Array;
}

/** Whether the registry marks the activation as elementwise (softmax is not: it mixes a row). */
export function isElementwise(name: string): boolean {
  return getActivation(name).elementwise;
}

/** Registered activations that can be drawn as a(s): the elementwise ones. */
export function plottableActivations(): string[] {
  return activationNames().filter(isElementwise);
}

/**
 * Runs the activation node on `s` and backward with ones: a(s) and a′(s). In float32, the dtype
 * models train in (a learnable parameter such as PReLU's α is float32 too).
 */
export function probe(name: string, s: Float64Array): ActivationCurve {
  const x = variable(tensor(Float32Array.from(s)), { requiresGrad: true });
  const a = activation(name)(x);
  a.backward(ones([s.length]));
  return {
    name,
    s,
    a: Float64Array.from(a.data.contiguous().data),
    da: Float64Array.from(x.grad!.contiguous().data),
  };
}

/** a(s) and a′(s) on an even grid over [lo, hi]; the grid includes 0, the kink of the ReLU family. */
export function activationCurve(name: string, lo = -4, hi = 4, points = 161): ActivationCurve {
  const s = new Float64Array(points);
  for (let i = 0; i < points; i++) s[i] = lo + ((hi - lo) * i) / (points - 1);
  return probe(name, s);
}

/**
 * The range the activation can output, read off the node far out on both sides: [0, 1] for
 * sigmoid, [−1, 1] for tanh, [0, ∞) for ReLU. A limit that keeps growing is unbounded.
 */
export function outputRange(name: string): [number, number] {
  if (!isElementwise(name)) return [0, 1];
  const far = 40;
  const { a } = probe(name, Float64Array.from([-far, -far / 2, far / 2, far]));
  // Rounded, so float32's sigmoid(−40) ≈ 4e-18 reads as the bound 0 it approaches.
  const bound = (outer: number, inner: number, sign: number) =>
    Math.abs(outer - inner) < 1e-3 * far ? Math.round(outer * 1e6) / 1e6 : sign * Infinity;
  return [bound(a[0]!, a[1]!, -1), bound(a[3]!, a[2]!, 1)];
}

/** Peak |a′(s)| over a wide grid: the scale against which "saturated" is judged. */
export function peakSlope(name: string): number {
  const { da } = activationCurve(name, -8, 8, 321);
  let peak = 0;
  for (let i = 0; i < da.length; i++) peak = Math.max(peak, Math.abs(da[i]!));
  return peak;
}
