import { toMatrix, type DataInput } from './data/validate.js';
import { lookupName } from './names.js';

/**
 * A metric over predictions `pred` (`[n, k]`, row-major) and targets (`[n, targetCols]`:
 * labels when targetCols is 1 and k > 1, else dense values). Higher-is-better is
 * `greaterIsBetter`, which early stopping uses to pick a mode.
 */
export interface MetricDef {
  readonly name: string;
  readonly greaterIsBetter: boolean;
  /** The metric over all `n` rows (`pred.length / k`). */
  compute(pred: ArrayLike<number>, k: number, target: ArrayLike<number>, targetCols: number): number;
}

function argmaxRow(a: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  let bestV = a[row * k];
  for (let j = 1; j < k; j++) {
    const v = a[row * k + j];
    if (v > bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}

/**
 * Fraction of samples classified right. With k > 1 outputs the predicted class is the argmax,
 * compared with an integer label or a one-hot row. With one output the prediction is thresholded
 * at 0.5, or at 0 when the targets use −1/1 labels (a tanh output).
 */
const accuracyDef: MetricDef = {
  name: 'accuracy',
  greaterIsBetter: true,
  compute(pred, k, target, targetCols) {
    const n = pred.length / k;
    let right = 0;
    if (k === 1) {
      let signed = false;
      for (let i = 0; i < n; i++) if (target[i] < 0) signed = true;
      const thr = signed ? 0 : 0.5;
      for (let i = 0; i < n; i++) if (pred[i] > thr === target[i] > thr) right++;
    } else {
      for (let i = 0; i < n; i++) {
        const label = targetCols === 1 ? target[i] : argmaxRow(target, i, targetCols);
        if (argmaxRow(pred, i, k) === label) right++;
      }
    }
    return right / n;
  },
};

const mseDef: MetricDef = {
  name: 'mse',
  greaterIsBetter: false,
  compute(pred, _k, target) {
    let s = 0;
    for (let i = 0; i < pred.length; i++) {
      const e = pred[i] - target[i];
      s += e * e;
    }
    return s / pred.length;
  },
};

const maeDef: MetricDef = {
  name: 'mae',
  greaterIsBetter: false,
  compute(pred, _k, target) {
    let s = 0;
    for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - target[i]);
    return s / pred.length;
  },
};

/** Coefficient of determination 1 − SS_res/SS_tot, per output column, averaged over columns. */
const r2Def: MetricDef = {
  name: 'r2',
  greaterIsBetter: true,
  compute(pred, k, target) {
    const n = pred.length / k;
    let total = 0;
    for (let j = 0; j < k; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += target[i * k + j];
      mean /= n;
      let res = 0;
      let tot = 0;
      for (let i = 0; i < n; i++) {
        const t = target[i * k + j];
        res += (t - pred[i * k + j]) ** 2;
        tot += (t - mean) ** 2;
      }
      // Constant targets: perfect predictions score 1, anything else 0 (as scikit-learn).
      total += tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
    }
    return total / k;
  },
};

/** Metrics by name, as `fit` and `evaluate` accept them in `metrics: [...]`. */
export const metrics = {
  accuracy: accuracyDef,
  mse: mseDef,
  mae: maeDef,
  r2: r2Def,
} satisfies Record<string, MetricDef>;

/** A metric name from {@link metrics}. */
export type MetricName = keyof typeof metrics;

/** Looks a metric up by name or passes a definition through; unknown names list the valid ones. */
export function resolveMetric(m: MetricName | MetricDef): MetricDef {
  if (typeof m === 'object' && m !== null && typeof m.compute === 'function') return m;
  return lookupName<MetricDef>(metrics, m as string, 'metric');
}

function run(name: string, def: MetricDef, pred: DataInput, target: DataInput): number {
  const p = toMatrix(name, 'pred', pred);
  const t = toMatrix(name, 'target', target);
  if (p.rows !== t.rows) throw new Error(`${name}: pred has ${p.rows} rows but target has ${t.rows}`);
  const labels = def === accuracyDef && p.cols > 1 && t.cols === 1;
  if (!labels && p.cols !== t.cols) throw new Error(`${name}: pred has ${p.cols} columns but target has ${t.cols}`);
  return def.compute(p.data, p.cols, t.data, t.cols);
}

/** Classification accuracy of predictions against labels or one-hot targets. */
export const accuracy = (pred: DataInput, target: DataInput): number => run('accuracy', accuracyDef, pred, target);
/** Mean squared error. */
export const meanSquaredError = (pred: DataInput, target: DataInput): number => run('meanSquaredError', mseDef, pred, target);
/** Mean absolute error. */
export const meanAbsoluteError = (pred: DataInput, target: DataInput): number => run('meanAbsoluteError', maeDef, pred, target);
/** R² (coefficient of determination), averaged over output columns. */
export const r2Score = (pred: DataInput, target: DataInput): number => run('r2Score', r2Def, pred, target);
