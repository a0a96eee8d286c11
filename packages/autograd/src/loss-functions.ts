import type { Tensor } from '@actgrad/tensor';
import { fmtShape } from './ops/layout.js';
import { toLabels, type LabelsLike } from './ops/labels.js';
import type { Reduction } from './ops/losses.js';
import { apply, asVariable, lift } from './record.js';
import { ops } from './registry.js';
import type { Variable } from './variable.js';

export type { Reduction };

/** Options of the fused loss ops. */
export interface LossOptions {
  /** 'mean' (default) over samples, 'sum', or 'none' for per-sample losses. */
  readonly reduction?: Reduction;
}

function reductionOf(op: string, opts: LossOptions | undefined): Reduction {
  const r = opts?.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(r)}'`);
  return r;
}

/**
 * Cross-entropy of logits z [N, C] against integer labels, fused: mean over rows of
 * −log softmax(z)[y], one node whose backward is (softmax(z) − onehot(y))/N. Equals
 * −pick(logSoftmax(z), y).mean() and stays finite at logits ±1000.
 */
export function softmaxCrossEntropy(logits: Variable | Tensor, labels: LabelsLike, opts?: LossOptions): Variable {
  const z = asVariable('softmaxCrossEntropy', logits);
  if (z.ndim !== 2) throw new Error(`softmaxCrossEntropy: logits must be 2-D [rows, classes], got shape ${fmtShape(z.shape)}`);
  const reduction = reductionOf('softmaxCrossEntropy', opts);
  return apply(ops.softmaxCrossEntropy, [z], { labels: toLabels('softmaxCrossEntropy', labels, z.shape[0], z.shape[1]), reduction });
}

/**
 * Binary cross-entropy on logits z against targets y in [0, 1] of the same shape, fused:
 * mean of softplus(z) − y·z, one node whose backward is (σ(z) − y)/N. Equals
 * BCE(sigmoid(z), y) where that is finite, and stays finite at logits ±1000.
 */
export function sigmoidBinaryCrossEntropy(logits: Variable | Tensor, targets: Variable | Tensor | number, opts?: LossOptions): Variable {
  const z = asVariable('sigmoidBinaryCrossEntropy', logits);
  const y = lift('sigmoidBinaryCrossEntropy', targets, z.dtype);
  const yy = y.ndim === 0 && z.ndim !== 0 ? y.expand(z.shape) : y;
  if (yy.ndim !== z.ndim || yy.shape.some((d, i) => d !== z.shape[i])) {
    throw new Error(`sigmoidBinaryCrossEntropy: targets of shape ${fmtShape(yy.shape)} for logits of shape ${fmtShape(z.shape)}`);
  }
  if (yy.dtype !== z.dtype) throw new Error(`sigmoidBinaryCrossEntropy: targets are ${yy.dtype} but logits are ${z.dtype}`);
  return apply(ops.sigmoidBinaryCrossEntropy, [z, yy], { reduction: reductionOf('sigmoidBinaryCrossEntropy', opts) });
}
