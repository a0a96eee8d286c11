import { checkPairing as nnCheckPairing, evaluate, fit, layerHealth, makeHead, mlp, oneHot, resolveLoss, type EpochLog, type LayerHealth, type Sequential } from '@actgrad/nn';
import { tensor, type Tensor } from '@actgrad/tensor';
import { adviceFor } from './pairing.js';
import type { TaskData, TaskDef, TrainSettings } from './tasks.js';

/**
 * The training core shared by the example, the demo and the lab: how a task's targets meet the
 * chosen output activation (which loss, which target encoding), the pairing check, and one call
 * to nn's `fit` that records test loss and metric every epoch.
 */

export interface LossPlan {
  loss: 'binaryCrossEntropy' | 'crossEntropy' | 'nll' | 'mse';
  /** Targets encoded for that loss. */
  yTrain: Tensor;
  yTest: Tensor;
}

/** 0/1 labels as −1/1, so a tanh output's two ends are the two classes (nn's accuracy then thresholds at 0). */
function signedLabels(labels: Tensor): Tensor {
  const y = labels.contiguous();
  const out = new Float32Array(y.size);
  for (let i = 0; i < y.size; i++) out[i] = y.data[y.offset + i]! > 0.5 ? 1 : -1;
  return tensor(out, { shape: [y.size] });
}

/**
 * The loss that suits the task and output: binary cross-entropy for a sigmoid (fused, from the
 * logits), cross-entropy for softmax (fused), nll for logSoftmax, and mean squared error
 * otherwise — against −1/1 labels for a tanh binary output and one-hot rows for several classes.
 */
export function planLoss(task: TaskDef, output: string, data: TaskData): LossPlan {
  const both = (f: (y: Tensor) => Tensor) => ({ yTrain: f(data.train.y), yTest: f(data.test.y) });
  const same = { yTrain: data.train.y, yTest: data.test.y };
  if (task.kind === 'regression') return { loss: 'mse', ...same };
  if (task.kind === 'binary') {
    if (output === 'sigmoid') return { loss: 'binaryCrossEntropy', ...same };
    if (output === 'tanh') return { loss: 'mse', ...both(signedLabels) };
    return { loss: 'mse', ...same };
  }
  if (output === 'softmax') return { loss: 'crossEntropy', ...same };
  if (output === 'logSoftmax') return { loss: 'nll', ...same };
  // Labels as rows of one-hot values, for classification without a softmax head.
  const encoded = both((y) => oneHot(y, data.outputs));
  return { loss: output === 'sigmoid' ? 'binaryCrossEntropy' : 'mse', ...encoded };
}

/** Thrown when a pairing cannot learn; the CLIs print the message and stop. */
export class PairingError extends Error {
  override readonly name = 'PairingError';
}

/**
 * nn's pairing check (errors for what cannot work, warnings for what trains badly) plus the
 * lecture's advice for the task. Returns the warnings; throws `PairingError` on an error.
 */
export function checkSetup(task: TaskDef, settings: Pick<TrainSettings, 'hidden' | 'output'>, data: TaskData, plan: LossPlan, opts: { hiddenAdvice?: boolean } = {}): string[] {
  const y = plan.yTrain.contiguous();
  const cols = y.ndim === 2 ? y.shape[1]! : 1;
  const issues = nnCheckPairing(settings.output, data.outputs, resolveLoss(plan.loss), {
    data: y.data.subarray(y.offset, y.offset + y.size), rows: y.shape[0]!, cols,
  });
  const error = issues.find((i) => i.level === 'error');
  if (error) throw new PairingError(`${task.name} cannot train with output ${settings.output}: ${error.message}`);
  return [...issues.map((i) => i.message), ...adviceFor(task, settings, opts)];
}

export interface EpochPoint {
  epoch: number; // 1-based
  trainLoss: number;
  testLoss: number;
  metric: number;
  health?: LayerHealth[];
}

export interface TrainOutcome {
  model: Sequential;
  /** Σ|w| over the parameters before the first update (float64): a fingerprint of the start. */
  initChecksum: number;
  plan: LossPlan;
  history: EpochPoint[];
  /** Per-layer health before the first update (epoch 0), when health was asked for. */
  initialHealth?: LayerHealth[];
  trainLoss: number;
  testLoss: number;
  trainMetric: number;
  testMetric: number;
  seconds: number;
  warnings: string[];
}

export interface TrainHooks {
  onEpoch?: (point: EpochPoint) => void;
  onWarning?: (message: string) => void;
  /** Record nn's per-layer health (gradient norm, dead and saturated fractions) every epoch. */
  health?: boolean;
  /** Include the notes' hidden-layer advice in the warnings (the lab, which compares them, does not). */
  hiddenAdvice?: boolean;
}

/** Builds the MLP for a task: `inputs → sizes… → outputs`, initialised to suit each activation. */
export function buildModel(data: TaskData, settings: TrainSettings): Sequential {
  return mlp({
    sizes: [data.inputs, ...settings.sizes, data.outputs], hidden: settings.hidden, output: settings.output, seed: settings.seed,
    ...(settings.init ? { init: settings.init } : {}),
  });
}

/**
 * Trains a fresh model for the task with nn's `fit`, evaluating the test split after every epoch,
 * then measures final train and test loss and metric with `evaluate`. The pairing check runs
 * first, so an unworkable pairing throws `PairingError` before any training. With `health`, the
 * per-layer gradient norms are also taken once on the training set before the first update.
 */
export function trainTask(task: TaskDef, data: TaskData, settings: TrainSettings, hooks: TrainHooks = {}): TrainOutcome {
  const plan = planLoss(task, settings.output, data);
  const warnings = checkSetup(task, settings, data, plan, { hiddenAdvice: hooks.hiddenAdvice });
  const seen = new Set(warnings);
  for (const w of warnings) hooks.onWarning?.(w);
  const model = buildModel(data, settings);
  const initChecksum = checksum(model);
  const train = { x: data.train.x, y: plan.yTrain };
  const test = { x: data.test.x, y: plan.yTest };
  const metric = task.metric;
  let initialHealth: LayerHealth[] | undefined;
  if (hooks.health) {
    const y = plan.loss === 'crossEntropy' || plan.loss === 'nll' || plan.yTrain.ndim === 2 ? plan.yTrain : plan.yTrain.reshape([-1, 1]);
    initialHealth = layerHealth(model, makeHead(model, plan.loss), data.train.x, y);
  }
  const history: EpochPoint[] = [];
  const valKey = metric === 'accuracy' ? 'valAccuracy' : 'valR2';
  const t0 = performance.now();
  fit(model, train, {
    loss: plan.loss,
    optimizer: settings.optimizer,
    lr: settings.lr,
    epochs: settings.epochs,
    batchSize: settings.batch,
    seed: settings.seed,
    validation: test,
    metrics: [metric],
    health: hooks.health,
    quiet: true, // the CLIs draw their own one-line bar
    onWarning: (m) => {
      if (seen.has(m) || seen.has(m.replace(/^fit: /, ''))) return;
      seen.add(m);
      warnings.push(m);
      hooks.onWarning?.(m);
    },
    callbacks: [{
      onEpochEnd: (log: EpochLog) => {
        const point: EpochPoint = { epoch: log.epoch + 1, trainLoss: log.loss, testLoss: log.valLoss ?? NaN, metric: log.metrics[valKey] ?? NaN, health: log.health };
        history.push(point);
        hooks.onEpoch?.(point);
      },
    }],
  });
  const seconds = (performance.now() - t0) / 1000;
  const key = metric === 'accuracy' ? 'accuracy' : 'r2';
  const onTrain = evaluate(model, train, { loss: plan.loss, metrics: [metric] });
  const onTest = evaluate(model, test, { loss: plan.loss, metrics: [metric] });
  return {
    model, initChecksum, plan, history, initialHealth, warnings, seconds,
    trainLoss: onTrain.loss!, testLoss: onTest.loss!, trainMetric: onTrain[key]!, testMetric: onTest[key]!,
  };
}

/** Σ|w| over every parameter in float64, in parameter order. */
export function checksum(model: Sequential): number {
  let sum = 0;
  for (const p of model.parameters()) {
    const t = p.data.contiguous();
    for (let i = 0; i < t.size; i++) sum += Math.abs(t.data[t.offset + i]!);
  }
  return sum;
}
