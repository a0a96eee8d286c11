import { variable, type Variable } from '@actgrad/autograd';
import { Tensor, tidy } from '@actgrad/tensor';
import type { DataInput } from '../data/validate.js';
import type { LossSpec, LossTarget } from '../losses.js';
import { Activation, Linear } from '../module.js';
import { Sequential } from '../sequential.js';
import { prepare } from './batches.js';
import { makeHead, type Head } from './head.js';
import { modelInfo } from './model-info.js';

/**
 * Health of one Linear layer and the activation after it, measured on a probe batch: what the
 * activation lab plots to show vanishing gradients, dead ReLUs and saturated sigmoids.
 */
export interface LayerHealth {
  /** Index among the model's Linear layers (0 = first). */
  layer: number;
  /** Parameter path prefix, e.g. `layers.0`. */
  name: string;
  /** Activation after the layer (`linear` when none). */
  activation: string;
  /** L2 norm of the loss gradient with respect to the layer's weight matrix. */
  gradNorm: number;
  /** L2 norm of the weight matrix. */
  weightNorm: number;
  /** Mean and standard deviation of the activation's output over the probe batch. */
  meanActivation: number;
  stdActivation: number;
  /** ReLU only: fraction of units whose pre-activation is negative for every probe sample. */
  deadFraction: number | null;
  /**
   * Sigmoid and tanh only: fraction of (sample, unit) outputs in the flat tails, where the
   * derivative is under 4% of its peak: σ outside [0.01, 0.99], |tanh| above 0.98.
   */
  saturatedFraction: number | null;
}

function norm(t: Tensor | null): number {
  if (!t) return 0;
  const c = t.contiguous();
  let s = 0;
  for (let i = 0; i < c.size; i++) s += c.data[c.offset + i] ** 2;
  return Math.sqrt(s);
}

function stats(pre: Tensor, post: Tensor, activation: string): Omit<LayerHealth, 'layer' | 'name' | 'activation' | 'gradNorm' | 'weightNorm'> {
  const s = pre.contiguous();
  const a = post.contiguous();
  const [rows, units] = s.shape;
  let sum = 0;
  let sq = 0;
  let saturated = 0;
  for (let i = 0; i < a.size; i++) {
    const v = a.data[a.offset + i];
    sum += v;
    sq += v * v;
    if (activation === 'sigmoid' ? v < 0.01 || v > 0.99 : Math.abs(v) > 0.98) saturated++;
  }
  const mean = sum / a.size;
  let deadFraction: number | null = null;
  if (activation === 'relu') {
    let dead = 0;
    for (let j = 0; j < units; j++) {
      let alive = false;
      // s = 0 counts as alive: ReLU'(0) = 1 here, following the notes (PyTorch and TF.js use 0).
      for (let i = 0; i < rows && !alive; i++) alive = s.data[s.offset + i * units + j] >= 0;
      if (!alive) dead++;
    }
    deadFraction = dead / units;
  }
  const sat = activation === 'sigmoid' || activation === 'tanh';
  return {
    meanActivation: mean,
    stdActivation: Math.sqrt(Math.max(0, sq / a.size - mean * mean)),
    deadFraction,
    saturatedFraction: sat ? saturated / a.size : null,
  };
}

/** Options of {@link layerHealth} with data. */
export interface LayerHealthOptions {
  /** The loss whose gradients are measured (fused with the output activation as in `fit`). */
  loss: LossSpec;
}

/**
 * Runs one forward and backward pass on a probe batch and reports each Linear layer's
 * {@link LayerHealth}. Takes the data forms `fit` takes, validated the same way:
 * `layerHealth(model, { x, y }, { loss: 'mse' })`; or, as `fit` calls it, a {@link Head} and
 * tensors: `layerHealth(model, head, x, y)`. Leaves the probe's gradients in the parameters
 * (the next training step zeroes them); weights are not changed.
 */
export function layerHealth(model: Sequential, data: { x: DataInput; y: DataInput }, opts: LayerHealthOptions): LayerHealth[];
export function layerHealth(model: Sequential, head: Head, x: Tensor, y: LossTarget): LayerHealth[];
export function layerHealth(
  model: Sequential,
  second: Head | { x: DataInput; y: DataInput },
  third: Tensor | LayerHealthOptions,
  y?: LossTarget,
): LayerHealth[] {
  if (!(model instanceof Sequential)) throw new Error('layerHealth: statistics follow a Sequential\'s Linear layers; got another kind of model');
  if (third instanceof Tensor && second && typeof (second as Head).compute === 'function') {
    return measureLayerHealth(model, second as Head, third, y as LossTarget);
  }
  const opts = third as LayerHealthOptions;
  if (!opts || opts.loss === undefined) throw new Error("layerHealth: options need a loss, e.g. layerHealth(model, { x, y }, { loss: 'mse' })");
  const info = modelInfo('layerHealth', model, true);
  const head = makeHead(info, opts.loss);
  const { prepared } = prepare('layerHealth', info, head.loss, second as { x: DataInput; y: DataInput });
  const { x, y: ym, labels } = prepared;
  const xt = new Tensor(x.data, [x.rows, x.cols]);
  const yt = new Tensor(ym.data, labels ? [ym.rows] : [ym.rows, ym.cols]);
  return measureLayerHealth(model, head, xt, yt);
}

/** {@link layerHealth} on tensors already checked. */
export function measureLayerHealth(model: Sequential, head: Head, x: Tensor, y: LossTarget): LayerHealth[] {
  return tidy(() => {
    model.zeroGrad();
    const pre: Variable[] = [];
    const post: Variable[] = [];
    const acts: string[] = [];
    const linears: { layer: Linear; index: number }[] = [];
    let h = variable(x, { requiresGrad: false });
    let logits = h;
    model.layers.forEach((layer, index) => {
      logits = h; // ends as the input of the last layer: the output activation's logits
      h = layer.forward(h);
      if (layer instanceof Linear) {
        linears.push({ layer, index });
        pre.push(h);
        post.push(h);
        acts.push('linear');
      } else if (layer instanceof Activation && pre.length > 0) {
        post[post.length - 1] = h;
        acts[acts.length - 1] = layer.activationName;
      }
    });
    const loss = head.fused ? head.loss.fromLogits!(logits, y) : head.loss(h, y);
    loss.backward();
    return linears.map(({ layer, index }, i) => ({
      layer: i,
      name: `layers.${index}`,
      activation: acts[i],
      gradNorm: norm(layer.weight.grad),
      weightNorm: norm(layer.weight.data),
      ...stats(pre[i].data, post[i].data, acts[i]),
    }));
  });
}
