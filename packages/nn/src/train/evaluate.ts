import { noGrad, variable } from '@actgrad/autograd';
import { Tensor, tidy, type DType, type FloatArray } from '@actgrad/tensor';
import { toMatrix, type DataInput } from '../data/validate.js';
import type { Loss, LossSpec } from '../losses.js';
import { resolveMetric, type MetricDef, type MetricName } from '../metrics.js';
import { asVariable, type Module } from '../module.js';
import { BatchGatherer, prepare, type Prepared } from './batches.js';
import { makeHead, type Head } from './head.js';
import { modelInfo, probeOutputWidth } from './model-info.js';

/** Metrics chosen when none are given: accuracy for classification losses, R² for regression. */
export function defaultMetrics(loss: Loss): MetricName[] {
  return loss.targetKind === 'classes' || loss.lossName === 'binaryCrossEntropy' ? ['accuracy'] : ['r2'];
}

/** The model's parameter dtype (float32 unless built with float64). */
export function modelDtype(model: Module): DType {
  return model.parameters()[0]?.data.dtype ?? 'float32';
}

/**
 * Copies a batch's outputs into `dst` at row `row`, turning logits into probabilities when the
 * head is fused (sigmoid elementwise, softmax per row with the max subtracted).
 */
export function copyOutputs(out: Tensor, fusedWith: 'sigmoid' | 'softmax' | null, dst: FloatArray, row: number): void {
  const t = out.contiguous();
  const src = t.data;
  const off = t.offset;
  const k = t.ndim === 2 ? t.shape[1] : 1;
  const rows = t.shape[0];
  const base = row * k;
  if (fusedWith === 'softmax') {
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, src[off + r * k + j]);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(src[off + r * k + j] - max);
      for (let j = 0; j < k; j++) dst[base + r * k + j] = Math.exp(src[off + r * k + j] - max) / sum;
    }
  } else if (fusedWith === 'sigmoid') {
    for (let i = 0; i < rows * k; i++) dst[base + i] = 1 / (1 + Math.exp(-src[off + i]));
  } else {
    for (let i = 0; i < rows * k; i++) dst[base + i] = src[off + i];
  }
}

/**
 * Loss and metrics of a model on a fixed data set, without recording a graph, in batches run
 * in `tidy`. Buffers are allocated once, so `fit` can call `run()` every epoch on validation data.
 */
export class Evaluator {
  private readonly gatherer: BatchGatherer;
  private readonly order: Int32Array;
  private readonly pred: Float32Array;

  constructor(
    private readonly model: Module,
    private readonly head: Head | null,
    private readonly data: Prepared,
    private readonly metrics: MetricDef[],
    private readonly batchSize = 1024,
    private readonly prefix = '',
  ) {
    this.gatherer = new BatchGatherer(data, modelDtype(model));
    this.order = new Int32Array(data.x.rows);
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    this.pred = new Float32Array(data.x.rows * data.outFeatures);
  }

  /** `{ loss, <metric>… }` (names prefixed, e.g. `valLoss`, `valAccuracy`). */
  run(): Record<string, number> {
    const n = this.data.x.rows;
    const head = this.head;
    const fusedWith = head?.fused ? head.loss.fusesWith ?? null : null;
    let lossSum = 0;
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = Math.min(this.batchSize, n - start);
      const b = this.gatherer.gather(this.order, start, rows);
      lossSum += tidy(() =>
        noGrad(() => {
          const xv = variable(b.x, { requiresGrad: false });
          if (!head) {
            copyOutputs(this.model.forward(xv).data, null, this.pred, start);
            return 0;
          }
          const y = head.loss.targetKind === 'dense' && b.y.ndim === 1 ? b.y.reshape([rows, 1]) : b.y;
          const { loss, out } = head.compute(xv, y);
          copyOutputs(out.data, fusedWith, this.pred, start);
          return loss.item() * rows;
        }),
      );
    }
    const res: Record<string, number> = {};
    const key = (name: string) => (this.prefix ? this.prefix + name[0].toUpperCase() + name.slice(1) : name);
    if (head) res[key('loss')] = lossSum / n;
    for (const m of this.metrics) res[key(m.name)] = m.compute(this.pred, this.data.outFeatures, this.data.y.data, this.data.y.cols);
    return res;
  }
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Loss to report (fused with the output activation where possible). Omit for metrics only. */
  loss?: LossSpec;
  /**
   * Metrics to report (default: accuracy for classification losses, R² otherwise; without a loss,
   * accuracy after a sigmoid/softmax output, R² after any other).
   */
  metrics?: (MetricName | MetricDef)[];
  /** Rows per forward pass (default 1024). */
  batchSize?: number;
  /**
   * Where pairing warnings go (default `console.warn`): e.g. held-out targets slightly outside
   * a sigmoid or tanh output's range, which training would refuse but evaluation measures.
   */
  onWarning?: (message: string) => void;
}

/**
 * Loss and metrics of `model` (any Module) on `data`, without recording a graph. Data is
 * validated as in `fit`, except that targets outside a bounded output's range (held-out data
 * after train-set scaling) are reported as a warning. Returns e.g. `{ loss: 0.12, accuracy: 0.97 }`.
 *
 * @example
 * ```ts
 * const { loss, accuracy } = evaluate(model, test, { loss: 'binaryCrossEntropy' });
 * ```
 */
export function evaluate(model: Module, data: { x: DataInput; y: DataInput }, opts: EvaluateOptions = {}): Record<string, number> {
  const info = modelInfo('evaluate', model);
  const head = opts.loss === undefined ? null : makeHead(info, opts.loss);
  let prepared: Prepared;
  if (head) {
    const r = prepare('evaluate', info, head.loss, data, undefined, { heldOut: true });
    prepared = r.prepared;
    const warn = opts.onWarning ?? ((m: string) => console.warn(m));
    for (const w of r.warnings) warn(`evaluate: ${w.message}`);
  } else {
    if (!data || typeof data !== 'object') throw new Error('evaluate: data must be { x, y }');
    const x = toMatrix('evaluate', 'x', data.x, info.dtype);
    const y = toMatrix('evaluate', 'y', data.y, info.dtype);
    if (x.rows !== y.rows) throw new Error(`evaluate: x has ${x.rows} rows but y has ${y.rows}`);
    const outFeatures = probeOutputWidth('evaluate', info, x);
    prepared = { x, y, labels: y.cols === 1 && outFeatures > 1, outFeatures };
  }
  const classifier = ['sigmoid', 'softmax', 'logSoftmax'].includes(info.outputActivation ?? '');
  const names = opts.metrics ?? (head ? defaultMetrics(head.loss) : [classifier ? 'accuracy' : 'r2']);
  return new Evaluator(model, head, prepared, names.map(resolveMetric), positiveInt('evaluate', opts.batchSize ?? 1024)).run();
}

export function positiveInt(where: string, v: number, key = 'batchSize'): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${key} must be an integer ≥ 1; got ${v}`);
  return v;
}

/**
 * The model's outputs for `x` (`[n, in]`), with the output activation applied (probabilities
 * for sigmoid and softmax heads), as a new `[n, out]` tensor. Records no graph.
 *
 * @example
 * ```ts
 * const probabilities = predict(model, test.x);  // [n, 1] for a sigmoid output
 * ```
 */
export function predict(model: Module, x: DataInput, opts: { batchSize?: number } = {}): Tensor {
  const info = modelInfo('predict', model);
  // In the model's dtype from the start: a float64 model's predict equals its forward bit for bit.
  const m = toMatrix('predict', 'x', x, info.dtype);
  const k = probeOutputWidth('predict', info, m);
  const bs = positiveInt('predict', opts.batchSize ?? 1024);
  const out = info.dtype === 'float64' ? new Float64Array(m.rows * k) : new Float32Array(m.rows * k);
  for (let start = 0; start < m.rows; start += bs) {
    const rows = Math.min(bs, m.rows - start);
    const xb = new Tensor(m.data.subarray(start * m.cols, (start + rows) * m.cols), [rows, m.cols]);
    tidy(() => noGrad(() => copyOutputs(model.forward(asVariable(xb)).data, null, out, start)));
  }
  return new Tensor(out, [m.rows, k]);
}
