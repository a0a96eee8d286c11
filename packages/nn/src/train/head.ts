import type { Variable } from '@actgrad/autograd';
import { resolveLoss, type Loss, type LossSpec } from '../losses.js';
import { Module } from '../module.js';
import { modelInfo, type ModelInfo } from './model-info.js';

/**
 * How a model and a loss meet: either `loss(model(x), y)`, or — when the model's output
 * activation is the one the loss fuses with (sigmoid with binary cross-entropy, softmax with
 * cross-entropy) — `loss.fromLogits(model.forwardLogits(x), y)`, stable at any logit.
 */
export interface Head {
  readonly loss: Loss;
  readonly fused: boolean;
  /** The scalar loss for a batch, recording a graph unless inside `noGrad`. */
  compute(x: Variable, y: Parameters<Loss>[1]): { loss: Variable; out: Variable };
}

/** Whether `loss` fuses with the model's declared output activation. */
export function isFused(info: ModelInfo, loss: Loss): boolean {
  return !!(loss.fusesWith && loss.fromLogits && info.fusable && info.forwardLogits && info.outputActivation === loss.fusesWith);
}

/** Builds the {@link Head} for a model (or its {@link ModelInfo}) and a loss. */
export function makeHead(model: Module | ModelInfo, lossIn: LossSpec): Head {
  const info = model instanceof Module ? modelInfo('makeHead', model) : model;
  const loss = resolveLoss(lossIn);
  if (isFused(info, loss)) {
    const fromLogits = loss.fromLogits!;
    const logits = info.forwardLogits!;
    return {
      loss,
      fused: true,
      compute(x, y) {
        const out = logits(x);
        return { loss: fromLogits(out, y), out };
      },
    };
  }
  const m = info.model;
  return {
    loss,
    fused: false,
    compute(x, y) {
      const out = m.forward(x);
      return { loss: loss(out, y), out };
    },
  };
}
