import { variable, type Variable } from '@actgrad/autograd';
import { sum, tidy, type Tensor } from '@actgrad/tensor';
import type { LossSpec } from '../losses.js';
import type { Module } from '../module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { makeHead, type Head } from './head.js';
import { modelInfo } from './model-info.js';

/** Options of {@link trainStep} and {@link Trainer}. */
export interface TrainStepOptions {
  loss: LossSpec;
  optimizer: Optimizer;
}

/**
 * Thrown by `Trainer.step` when a batch holds NaN or ±Infinity, or its loss is not finite; the
 * update is skipped, so the weights are left as they were.
 */
export class NonFiniteLossError extends Error {
  constructor(readonly loss: number, detail?: string) {
    super(
      detail
        ? `Trainer.step: ${detail}; the update was skipped and the weights are unchanged`
        : `Trainer.step: the loss is ${loss} on this batch; the update was skipped and the weights are unchanged ` +
            '(look for NaN or Infinity in the batch, or lower the learning rate)',
    );
    this.name = 'NonFiniteLossError';
  }
}

/** Refuses a batch tensor holding NaN or ±Infinity, naming the first one's row and column. */
function checkBatch(t: Tensor, what: string): void {
  // The sum (accumulated in double, in SIMD on the wasm backend) is finite exactly when every
  // element is; only otherwise does the element-by-element search for the culprit run. The
  // search alone cost ~4% of a W2 step (a 128×784 batch). Small batches (W1's 32×2) skip the
  // sum, whose call and 0-d result cost more than the loop.
  if (t.size >= 4096 && Number.isFinite(tidy(() => sum(t).item()))) return;
  const c = t.isContiguous() ? t : t.contiguous();
  const d = c.data;
  for (let i = c.offset, end = c.offset + c.size; i < end; i++) {
    const v = d[i];
    // v − v is 0 for every finite v, NaN for NaN and ±Infinity: one test for both.
    if (v - v === 0) continue;
    const cols = t.ndim === 2 ? t.shape[1] : 1;
    const at = i - c.offset;
    throw new NonFiniteLossError(NaN, `${what} holds ${v} at row ${Math.floor(at / cols)}, column ${at % cols}`);
  }
}

/**
 * One model, loss and optimizer, resolved once, for training batch by batch. Works with any
 * {@link Module} that has a `forward`. Each `step` runs in `tidy`, so its intermediate tensors
 * go back to the free list and the next step reuses them; gradients and optimizer state live
 * outside and are reused as well.
 *
 * ```ts
 * const trainer = new Trainer(model, { loss: 'crossEntropy', optimizer: new Adam(model, { lr: 1e-3 }) });
 * for (const [x, y] of batches) trainer.step(x, y);
 * ```
 */
export class Trainer {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly head: Head;
  /** The loss as given (name or Loss), to recognise the same configuration again. */
  readonly lossSpec: LossSpec;
  // The model's parameters, listed once: walking the module tree every step is measurable on tiny models.
  private readonly params: Variable[];
  /** When set, `step` copies the batch's output (logits when the head is fused) into it. */
  outputSink: ((out: Tensor) => void) | null = null;

  constructor(model: Module, opts: TrainStepOptions) {
    const info = modelInfo('Trainer', model, true);
    if (!opts || opts.optimizer === undefined) throw new Error('Trainer: options need an optimizer, e.g. { loss: "mse", optimizer: new SGD(model, { lr: 0.1 }) }');
    this.model = model;
    this.optimizer = opts.optimizer;
    this.lossSpec = opts.loss;
    this.head = makeHead(info, opts.loss);
    this.params = model.parameters();
  }

  /**
   * Forward, loss, backward and one optimizer update on a batch: `x` is `[batch, in]`; `y` is
   * `[batch, out]` (or `[batch]` for one output), or labels `[batch]` / one-hot rows for
   * cross-entropy and nll. Returns the batch loss. NaN or ±Infinity in the batch, or a loss that
   * is not finite, throws {@link NonFiniteLossError} before the update, so the weights never take
   * a NaN step (a saturating activation can turn an infinite input into a finite loss, so the
   * batch is checked as well: one pass over x and y, small beside the forward pass).
   */
  step(x: Tensor, y: Tensor): number {
    checkBatch(x, 'x');
    checkBatch(y, 'y');
    const yy = this.head.loss.targetKind === 'dense' && y.ndim === 1 ? y.reshape([y.shape[0], 1]) : y;
    return tidy(() => {
      const params = this.params;
      for (let i = 0; i < params.length; i++) params[i].zeroGrad();
      const { loss, out } = this.head.compute(variable(x, { requiresGrad: false }), yy);
      // The scalar is read anyway; checking it costs one comparison per step.
      const value = loss.item();
      if (value - value !== 0) throw new NonFiniteLossError(value);
      loss.backward();
      if (this.outputSink) this.outputSink(out.data);
      this.optimizer.step();
      return value;
    });
  }
}

/**
 * One training step without keeping a {@link Trainer}: resolves the loss and its fusion with the
 * model's output activation (once: the Trainer is cached per model while the loss and optimizer
 * stay the same), then runs its `step(x, y)`.
 */
export function trainStep(model: Module, x: Tensor, y: Tensor, opts: TrainStepOptions): number {
  let trainer = cache.get(model);
  if (!trainer || trainer.optimizer !== opts.optimizer || trainer.lossSpec !== opts.loss) {
    trainer = new Trainer(model, opts);
    cache.set(model, trainer);
  }
  return trainer.step(x, y);
}

// The last Trainer per model, so a loop of trainStep calls resolves the head once.
const cache = new WeakMap<Module, Trainer>();
