import { affine as tAffine, matmul as tMatmul, sumTo, type Tensor } from '@actgrad/tensor';
import { NO_ATTRS, type OpDef } from '../op-def.js';

/** Swaps the last two axes: a strided view the matmul kernel reads without copying. */
export function swapLast(t: Tensor): Tensor {
  const nd = t.ndim;
  if (nd === 2) return t.transpose();
  const axes = new Array<number>(nd);
  for (let i = 0; i < nd; i++) axes[i] = i;
  axes[nd - 2] = nd - 1;
  axes[nd - 1] = nd - 2;
  return t.permute(axes);
}

/**
 * A·B, 2-D or batched with broadcast batch axes:  ∂/∂A = g·Bᵀ,  ∂/∂B = Aᵀ·g, each summed over
 * the batch axes its operand was broadcast along.
 */
export const matmul: OpDef<typeof NO_ATTRS> = {
  name: 'matmul',
  saves: 'input',
  forward: (inputs) => tMatmul(inputs[0], inputs[1]),
  backward: ({ grad, saved, needsGrad }) => {
    const a = saved.inputs[0];
    const b = saved.inputs[1];
    return [
      needsGrad(0) ? sumTo(tMatmul(grad, swapLast(b)), a.shape) : null,
      needsGrad(1) ? sumTo(tMatmul(swapLast(a), grad), b.shape) : null,
    ];
  },
};

/**
 * x·W + b, a fully connected layer, as one node (inputs x [m,k], W [k,n], and b [n] when there
 * is a bias): ∂/∂x = g·Wᵀ, ∂/∂W = xᵀ·g, ∂/∂b = Σ_rows g (column sums, one kernel call). The
 * forward adds the bias in the same call for every row; the gradients are those of
 * `add(matmul(x, W), b)`.
 */
export const affine: OpDef<typeof NO_ATTRS> = {
  name: 'affine',
  saves: 'input',
  forward: (inputs) => tAffine(inputs[0], inputs[1], inputs[2]),
  backward: ({ grad, saved, needsGrad, gradInto }) => {
    const x = saved.inputs[0];
    const w = saved.inputs[1];
    const gx = needsGrad(0) ? tMatmul(grad, w.transpose()) : null;
    // Straight into the parameters' gradient storage where the engine offers it: no copy after.
    const gw = needsGrad(1) ? tMatmul(x.transpose(), grad, gradInto(1) ?? undefined) : null;
    if (saved.inputs.length < 3) return [gx, gw];
    return [gx, gw, needsGrad(2) ? sumTo(grad, saved.inputs[2].shape, gradInto(2) ?? undefined) : null];
  },
};
