import { empty, sumTo, where as tWhere, zeros, type Tensor } from '@actgrad/tensor';
import { NO_ATTRS, type OpDef } from '../op-def.js';
import type { Labels } from './labels.js';
import { nextIndex } from './layout.js';

export interface PickAttrs { readonly labels: Labels }

/**
 * Row i's element labels[i] of a 2-D x ([N, C] → [N]): the log-likelihood picker of
 * cross-entropy, −pick(logSoftmax(z), y). ∂/∂x is g[i] at (i, labels[i]) and 0 elsewhere.
 */
export const pick: OpDef<PickAttrs> = {
  name: 'pick',
  saves: 'none',
  forward: (inputs, { labels }) => {
    const x = inputs[0];
    const n = x.shape[0];
    const out = empty([n], x.dtype);
    const xd = x.data, od = out.data, ld = labels.data;
    const rs = x.strides[0], cs = x.strides[1], xo = x.offset, oo = out.offset;
    for (let i = 0; i < n; i++) od[oo + i] = xd[xo + i * rs + ld[labels.offset + i * labels.stride] * cs];
    return out;
  },
  backward: ({ grad, saved, attrs: { labels } }) => {
    const x = saved.inputs[0];
    const n = x.shape[0], c = x.shape[1];
    const dx = zeros(x.shape, x.dtype);
    const dd = dx.data, gd = grad.data, ld = labels.data;
    const gs = grad.strides[0], go = grad.offset, dof = dx.offset;
    for (let i = 0; i < n; i++) dd[dof + i * c + ld[labels.offset + i * labels.stride]] = gd[go + i * gs];
    return [dx];
  },
};

export interface GatherAttrs { readonly indices: Tensor; readonly axis: number }

/**
 * torch.gather: out[…i…] = x[…indices[…i…]…] along `axis`, out shaped like `indices` (contiguous,
 * validated at the API). ∂/∂x scatter-adds g back: an index used twice gets both contributions.
 */
export const gather: OpDef<GatherAttrs> = {
  name: 'gather',
  saves: 'none',
  forward: (inputs, { indices, axis }) => {
    const x = inputs[0];
    const out = empty(indices.shape, x.dtype);
    scatterOrGather(x, indices, axis, out, false);
    return out;
  },
  backward: ({ grad, saved, attrs: { indices, axis } }) => {
    const x = saved.inputs[0];
    const dx = zeros(x.shape, x.dtype);
    scatterOrGather(dx, indices, axis, grad.isContiguous() ? grad : grad.contiguous(), true);
    return [dx];
  },
};

/**
 * Walks `indices` in row-major order k with an odometer over its shape. Gathering reads
 * target[…index…] into flat[k]; scattering adds flat[k] into target[…index…].
 */
function scatterOrGather(target: Tensor, indices: Tensor, axis: number, flat: Tensor, scatter: boolean): void {
  const nd = indices.ndim;
  const shape = indices.shape;
  const strides = target.strides;
  const counter = new Array<number>(nd).fill(0);
  const td = target.data, fd = flat.data, id = indices.data;
  const to = target.offset, fo = flat.offset, io = indices.offset;
  for (let k = 0; k < indices.size; k++) {
    let at = to;
    for (let d = 0; d < nd; d++) at += (d === axis ? id[io + k] : counter[d]) * strides[d];
    if (scatter) td[at] += fd[fo + k];
    else fd[fo + k] = td[at];
    nextIndex(counter, shape);
  }
}

/**
 * cond ? a : b elementwise, broadcasting all three. cond is not differentiated;
 * ∂/∂a = g where cond, ∂/∂b = g elsewhere, each summed back to its operand's shape.
 */
export const where: OpDef<typeof NO_ATTRS> = {
  name: 'where',
  saves: 'input',
  forward: (inputs) => tWhere(inputs[0], inputs[1], inputs[2]),
  backward: ({ grad, saved, needsGrad }) => {
    const cond = saved.inputs[0];
    return [
      null,
      needsGrad(1) ? sumTo(tWhere(cond, grad, 0), saved.inputs[1].shape) : null,
      needsGrad(2) ? sumTo(tWhere(cond, 0, grad), saved.inputs[2].shape) : null,
    ];
  },
};
