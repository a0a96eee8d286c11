import { empty, type Tensor } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';
import { sigmoidScalar } from '../activations/sigmoid-tanh.js';
import { contig } from './layout.js';
import type { Labels } from './labels.js';

/** How a loss op reduces its per-sample losses. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyAttrs { readonly labels: Labels; readonly reduction: Reduction }

/** The factor the upstream gradient contributes to sample i. */
function sampleScale(grad: Tensor, i: number, reduction: Reduction, count: number): number {
  if (reduction === 'none') return grad.data[grad.offset + i * grad.strides[0]];
  const g = grad.data[grad.offset];
  return reduction === 'mean' ? g / count : g;
}

/** The scalar loss: the mean or the sum of the per-sample losses. */
function scalarLoss(total: number, n: number, reduction: Reduction, like: Tensor): Tensor {
  const out = empty([], like.dtype);
  out.data[out.offset] = reduction === 'mean' ? total / n : total;
  return out;
}

/**
 * Fused −log softmax(z)[y] for logits z of shape [N, C] and integer labels y: one pass,
 * log-sum-exp so logits of ±1000 stay finite, and the textbook gradient ∂/∂z = softmax(z) − onehot(y)
 * (divided by N for the mean), which composing −pick(logSoftmax(z), y) reaches in three nodes.
 */
export const softmaxCrossEntropy: OpDef<CrossEntropyAttrs> = {
  name: 'softmaxCrossEntropy',
  saves: 'input',
  forward: (inputs, { labels, reduction }) => {
    const z = contig(inputs[0]);
    const n = z.shape[0], c = z.shape[1];
    const perSample = reduction === 'none' ? empty([n], z.dtype) : null;
    const zd = z.data, zo = z.offset, ld = labels.data;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const row = zo + i * c;
      let m = -Infinity;
      for (let j = 0; j < c; j++) if (zd[row + j] > m) m = zd[row + j];
      let s = 0;
      for (let j = 0; j < c; j++) s += Math.exp(zd[row + j] - m);
      const loss = m + Math.log(s) - zd[row + ld[labels.offset + i * labels.stride]];
      total += loss;
      if (perSample !== null) perSample.data[perSample.offset + i] = loss;
    }
    return perSample ?? scalarLoss(total, n, reduction, z);
  },
  backward: ({ grad, saved, attrs: { labels, reduction } }) => {
    const z = contig(saved.inputs[0]);
    const n = z.shape[0], c = z.shape[1];
    const dz = empty(z.shape, z.dtype);
    const zd = z.data, zo = z.offset, dd = dz.data, dof = dz.offset, ld = labels.data;
    for (let i = 0; i < n; i++) {
      const row = zo + i * c;
      const out = dof + i * c;
      let m = -Infinity;
      for (let j = 0; j < c; j++) if (zd[row + j] > m) m = zd[row + j];
      let s = 0;
      for (let j = 0; j < c; j++) {
        const e = Math.exp(zd[row + j] - m);
        dd[out + j] = e;
        s += e;
      }
      const scale = sampleScale(grad, i, reduction, n);
      const inv = scale / s;
      for (let j = 0; j < c; j++) dd[out + j] *= inv;
      dd[out + ld[labels.offset + i * labels.stride]] -= scale;
    }
    return [dz];
  },
};

export interface ReductionAttrs { readonly reduction: Reduction }

/**
 * Fused binary cross-entropy on logits z with targets y in [0, 1], elementwise then reduced:
 * ℓ = softplus(z) − y·z = max(z, 0) − y·z + log1p(e^{−|z|}), finite at ±1000.
 * ∂ℓ/∂z = σ(z) − y and ∂ℓ/∂y = −z (each divided by the element count for the mean).
 */
export const sigmoidBinaryCrossEntropy: OpDef<ReductionAttrs> = {
  name: 'sigmoidBinaryCrossEntropy',
  saves: 'input',
  forward: (inputs, { reduction }) => {
    const z = contig(inputs[0]);
    const y = contig(inputs[1]);
    const n = z.size;
    const perElement = reduction === 'none' ? empty(z.shape, z.dtype) : null;
    const zd = z.data, yd = y.data, zo = z.offset, yo = y.offset;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const zi = zd[zo + i];
      const loss = (zi > 0 ? zi : 0) - yd[yo + i] * zi + Math.log1p(Math.exp(-Math.abs(zi)));
      total += loss;
      if (perElement !== null) perElement.data[perElement.offset + i] = loss;
    }
    return perElement ?? scalarLoss(total, n, reduction, z);
  },
  backward: ({ grad, saved, attrs: { reduction }, needsGrad }) => {
    const z = contig(saved.inputs[0]);
    const y = contig(saved.inputs[1]);
    const g = reduction === 'none' ? contig(grad) : grad;
    const n = z.size;
    const zd = z.data, yd = y.data, zo = z.offset, yo = y.offset;
    const uniform = reduction === 'none' ? 0 : (reduction === 'mean' ? g.data[g.offset] / n : g.data[g.offset]);
    const dz = needsGrad(0) ? empty(z.shape, z.dtype) : null;
    const dy = needsGrad(1) ? empty(z.shape, z.dtype) : null;
    for (let i = 0; i < n; i++) {
      const scale = reduction === 'none' ? g.data[g.offset + i] : uniform;
      const zi = zd[zo + i];
      if (dz !== null) dz.data[dz.offset + i] = scale * (sigmoidScalar(zi) - yd[yo + i]);
      if (dy !== null) dy.data[dy.offset + i] = -scale * zi;
    }
    return [dz, dy];
  },
};
