import { matmul as tMatmul, sumTo, type Tensor } from '@actgrad/tensor';
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
