import type { Variable } from '@actgrad/autograd';
import { resolveLoss, type Loss, type LossName, type LossTarget } from '../losses.js';
import type { Sequential } from '../sequential.js';

/**
 * How a model and a loss meet: either `loss(model(x), y)`, or — when the model's output
 * activation is the one the loss fuses with (sigmoid with binary cross-entropy, softmax with
 * cross-entropy) — `loss.fromLogits(model.forwardLogits(x), y)`, stable at any logit.
 */
export interface Head {
  readonly loss: Loss;
  readonly fused: boolean;
  /** The scalar loss for a batch, recording a graph unless inside `noGrad`. */
  compute(x: Variable, y: LossTarget): { loss: Variable; out: Variable };
}

/** Whether `loss` fuses with `model`'s output activation (built-in, default options). */
export function isFused(model: Sequential, loss: Loss): boolean {
  const act = model.outputActivationLayer;
  return !!(loss.fusesWith && loss.fromLogits && act && !act.isCustom && !act.options && act.activationName === loss.fusesWith);
}

/** Builds the {@link Head} for a model and loss. */
export function makeHead(model: Sequential, lossIn: LossName | Loss | string): Head {
  const loss = resolveLoss(lossIn);
  const fused = isFused(model, loss);
  if (fused) {
    const fromLogits = loss.fromLogits!;
    return {
      loss,
      fused,
      compute(x, y) {
        const out = model.forwardLogits(x);
        return { loss: fromLogits(out, y), out };
      },
    };
  }
  return {
    loss,
    fused,
    compute(x, y) {
      const out = model.forward(x);
      return { loss: loss(out, y), out };
    },
  };
}
