import type { Axes } from '@actgrad/tensor';
import { div as tDiv, eq as tEq, max as tMax, mean as tMean, mul as tMul, sum as tSum, type Tensor } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';

/** One axis, a list of axes, or every axis (`undefined`); negative axes count from the end. */
export type { Axes } from '@actgrad/tensor';

export interface ReduceAttrs {
  readonly axis: Axes;
  readonly keepDims: boolean;
}

/** Sorted, non-negative reduced axes of an `ndim`-D input (validated by the forward already). */
function reducedAxes(axis: Axes, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  return list.map((a) => (a < 0 ? a + ndim : a)).sort((p, q) => p - q);
}

/** The reduced gradient, viewed with size-1 axes where the input had reduced axes (no copy). */
function keptView(grad: Tensor, attrs: ReduceAttrs, ndim: number): Tensor {
  if (attrs.keepDims) return grad;
  let g = grad;
  for (const a of reducedAxes(attrs.axis, ndim)) g = g.unsqueeze(a);
  return g;
}

function count(shape: readonly number[], attrs: ReduceAttrs): number {
  let n = 1;
  for (const a of reducedAxes(attrs.axis, shape.length)) n *= shape[a];
  return n;
}

/** Σ over axes: "sum is expand in reverse", ∂/∂x = g broadcast back over the reduced axes (a view). */
export const sum: OpDef<ReduceAttrs> = {
  name: 'sum',
  saves: 'none',
  forward: (inputs, { axis, keepDims }) => tSum(inputs[0], axis, keepDims),
  backward: ({ grad, saved, attrs }) => {
    const x = saved.inputs[0];
    return [keptView(grad, attrs, x.ndim).expand(x.shape)];
  },
};

/** Mean over axes:  ∂/∂x = g/n broadcast back, n the number of reduced elements. */
export const mean: OpDef<ReduceAttrs> = {
  name: 'mean',
  saves: 'none',
  forward: (inputs, { axis, keepDims }) => tMean(inputs[0], axis, keepDims),
  backward: ({ grad, saved, attrs }) => {
    const x = saved.inputs[0];
    return [keptView(tMul(grad, 1 / count(x.shape, attrs)), attrs, x.ndim).expand(x.shape)];
  },
};

/**
 * Max over axes:  ∂/∂x = g at the maximum. Ties share the gradient equally (as torch.amax), so
 * the result is the same whichever tied element a kernel happened to visit first.
 */
export const max: OpDef<ReduceAttrs> = {
  name: 'max',
  saves: 'both',
  forward: (inputs, { axis, keepDims }) => tMax(inputs[0], axis, keepDims),
  backward: ({ grad, saved, attrs }) => {
    const x = saved.inputs[0];
    const top = keptView(saved.output, attrs, x.ndim);
    const mask = tEq(x, top);
    const ties = tSum(mask, attrs.axis, true);
    return [tMul(mask, tDiv(keptView(grad, attrs, x.ndim), ties))];
  },
};
