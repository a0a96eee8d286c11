import { copyInto, empty, sumTo, zeros, type SliceSpec, type Tensor } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';

// Movement ops are views in forward; each backward is the adjoint movement:
// reshape ↔ reshape back, permute ↔ inverse permutation, slice ↔ write into zeros,
// expand ↔ sum back (sumTo), concat ↔ slices of the gradient.

export interface ShapeAttrs { readonly shape: readonly number[] }

/** A view when the layout allows, else one copy:  ∂/∂x = g reshaped to x's shape. */
export const reshape: OpDef<ShapeAttrs> = {
  name: 'reshape',
  saves: 'none',
  forward: (inputs, { shape }) => inputs[0].reshape(shape),
  backward: ({ grad, saved }) => [grad.reshape(saved.inputs[0].shape)],
};

export interface PermuteAttrs { readonly axes: readonly number[] }

function inverse(axes: readonly number[]): number[] {
  const inv = new Array<number>(axes.length);
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i] < 0 ? axes[i] + axes.length : axes[i];
    inv[a] = i;
  }
  return inv;
}

/** Axis permutation (a view):  ∂/∂x = g permuted back by the inverse permutation. */
export const permute: OpDef<PermuteAttrs> = {
  name: 'permute',
  saves: 'none',
  forward: (inputs, { axes }) => inputs[0].permute(axes),
  backward: ({ grad, attrs: { axes } }) => [grad.permute(inverse(axes))],
};

/** transpose(x) reverses the axes, transpose(x, ...axes) permutes them; a view either way. */
export const transpose: OpDef<PermuteAttrs> = {
  name: 'transpose',
  saves: 'none',
  forward: (inputs, { axes }) => inputs[0].transpose(...axes),
  backward: ({ grad, attrs: { axes } }) => [axes.length === 0 ? grad.transpose() : grad.permute(inverse(axes))],
};

export interface SliceAttrs { readonly specs: readonly SliceSpec[] }

/** Python-style slicing (a view):  ∂/∂x = zeros with g written into the same slice. */
export const slice: OpDef<SliceAttrs> = {
  name: 'slice',
  saves: 'none',
  forward: (inputs, { specs }) => inputs[0].slice(...specs),
  backward: ({ grad, saved, attrs: { specs } }) => {
    const x = saved.inputs[0];
    const dx = zeros(x.shape, x.dtype);
    copyInto(dx.slice(...specs), grad);
    return [dx];
  },
};

/** Broadcast to a larger shape (stride-0 view): "expand is sum in reverse",  ∂/∂x = sumTo(g, x.shape). */
export const expand: OpDef<ShapeAttrs> = {
  name: 'expand',
  saves: 'none',
  forward: (inputs, { shape }) => inputs[0].expand(shape),
  backward: ({ grad, saved }) => [sumTo(grad, saved.inputs[0].shape)],
};

export interface ConcatAttrs { readonly axis: number }

function segment(axis: number, start: number, stop: number): SliceSpec[] {
  const specs: SliceSpec[] = new Array<SliceSpec>(axis + 1).fill(null);
  specs[axis] = [start, stop];
  return specs;
}

/** Joins along an existing (non-negative) axis:  ∂/∂x_i = the slice of g that x_i filled. */
export const concat: OpDef<ConcatAttrs> = {
  name: 'concat',
  saves: 'none',
  forward: (inputs, { axis }) => {
    const shape = inputs[0].shape.slice();
    let total = 0;
    for (const x of inputs) total += x.shape[axis];
    shape[axis] = total;
    const out = empty(shape, inputs[0].dtype);
    let at = 0;
    for (const x of inputs) {
      copyInto(out.slice(...segment(axis, at, at + x.shape[axis])), x);
      at += x.shape[axis];
    }
    return out;
  },
  backward: ({ grad, saved, attrs: { axis }, needsGrad }) => {
    const grads: (Tensor | null)[] = [];
    let at = 0;
    saved.inputs.forEach((x, i) => {
      const len = x.shape[axis];
      grads.push(needsGrad(i) ? grad.slice(...segment(axis, at, at + len)) : null);
      at += len;
    });
    return grads;
  },
};
