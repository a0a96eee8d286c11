import { logSoftmax, pick, sigmoidBinaryCrossEntropy, softmaxCrossEntropy, Variable, variable } from '@actgrad/autograd';
import type { Tensor } from '@actgrad/tensor';
import { lookupName } from './names.js';

/** Probabilities are clamped to [EPS, 1 − EPS] in the unfused losses so log never sees 0. */
const EPS = 1e-7;

/** A loss target: dense values in the prediction's shape, or (cross-entropy, nll) 1-D labels. */
export type LossTarget = Variable | Tensor;

/** How a loss reads its targets: dense (same shape as the predictions) or class labels/one-hot. */
export type TargetKind = 'dense' | 'classes';

/**
 * A loss: call it as `loss(pred, target)` to get a scalar Variable (the batch mean). Losses that
 * pair with an output activation (`fusesWith`) also compute from that activation's input:
 * `fromLogits(z, target)` equals `loss(act(z), target)` but in one stable step, finite at any z.
 */
export interface Loss {
  (pred: Variable, target: LossTarget): Variable;
  readonly lossName: string;
  readonly targetKind: TargetKind;
  readonly fusesWith?: 'sigmoid' | 'softmax';
  /** The fused form, from the paired activation's input (the logits); absent when `fusesWith` is. */
  readonly fromLogits?: (logits: Variable, target: LossTarget) => Variable;
}

function asConst(t: LossTarget): Variable {
  return t instanceof Variable ? t : variable(t, { requiresGrad: false });
}

function makeLoss(
  lossName: string,
  targetKind: TargetKind,
  fn: (pred: Variable, target: LossTarget) => Variable,
  fused?: { with: 'sigmoid' | 'softmax'; fromLogits: (z: Variable, target: LossTarget) => Variable },
): Loss {
  const loss = ((pred: Variable, target: LossTarget) => fn(pred, target)) as Loss;
  Object.defineProperty(loss, 'name', { value: lossName });
  return Object.assign(loss, { lossName, targetKind, fusesWith: fused?.with, fromLogits: fused?.fromLogits });
}

/**
 * Class labels as a 1-D tensor when `target` holds them: shape `[n]`, or `[n, 1]` against more
 * than one class column (a column of labels must not broadcast against the classes as one-hot).
 * `null` for one-hot or soft targets.
 */
function labelsOf(target: LossTarget, pred: Variable): Tensor | null {
  const t = target instanceof Variable ? target.data : target;
  if (pred.shape.length !== 2) return null;
  if (t.ndim === 1) return t;
  if (t.ndim === 2 && t.shape[1] === 1 && pred.shape[1] > 1) return t.reshape([t.shape[0]]);
  return null;
}

/** −mean over rows of Σ_j y_ij·logp_ij (one-hot or soft targets) or of logp_i,label (labels). */
function negLogLikelihood(logp: Variable, target: LossTarget): Variable {
  const rows = logp.shape[0];
  const labels = labelsOf(target, logp);
  if (labels) return pick(logp, labels).mean().neg();
  return asConst(target).mul(logp).sum().mul(-1 / rows);
}

/**
 * A dense target in the predictions' shape: `[n]` against `[n, 1]` is reshaped; any other
 * difference is refused, since broadcasting `[n, 1]` against `[n]` would silently give `[n, n]`.
 */
function denseTarget(name: string, pred: Variable, target: LossTarget): Variable {
  const t = asConst(target);
  const ps = pred.shape;
  const ts = t.shape;
  if (ps.length === ts.length && ps.every((d, i) => d === ts[i])) return t;
  if (ps.length === 2 && ps[1] === 1 && ts.length === 1 && ts[0] === ps[0]) return t.reshape([ts[0], 1]);
  throw new Error(`${name}: predictions of shape [${ps.join(',')}] and targets of shape [${ts.join(',')}] differ`);
}

/** Mean squared error over all elements: mean((pred − y)²). */
export const mse = makeLoss('mse', 'dense', (pred, y) => {
  const d = pred.sub(denseTarget('mse', pred, y));
  return d.mul(d).mean();
});

/** Mean absolute error over all elements: mean(|pred − y|). */
export const mae = makeLoss('mae', 'dense', (pred, y) => pred.sub(denseTarget('mae', pred, y)).abs().mean());

/**
 * Binary cross-entropy of probabilities p against targets y in [0, 1]:
 * −mean(y·log p + (1 − y)·log(1 − p)), p clamped to [1e−7, 1 − 1e−7]. After a sigmoid output,
 * `fit` uses the fused form mean(softplus(z) − y·z) on the logits z instead: the same value where
 * both are finite, with gradient σ(z) − y at any z.
 */
export const binaryCrossEntropy = makeLoss(
  'binaryCrossEntropy',
  'dense',
  (p, yIn) => {
    const y = denseTarget('binaryCrossEntropy', p, yIn);
    const pc = p.clamp(EPS, 1 - EPS);
    const pos = y.mul(pc.log());
    const neg = y.neg().add(1).mul(pc.neg().add(1).log());
    return pos.add(neg).mean().neg();
  },
  {
    with: 'sigmoid',
    // log σ(z) = −softplus(−z) and log(1 − σ(z)) = −softplus(z), so the loss is softplus(z) − y·z:
    // autograd's one-node op, whose backward is (σ(z) − y)/N.
    fromLogits: (z, y) => sigmoidBinaryCrossEntropy(z, denseTarget('binaryCrossEntropy', z, y).data),
  },
);

/**
 * Cross-entropy of class probabilities p (`[n, classes]`) against integer labels (`[n]`) or
 * one-hot rows (`[n, classes]`): −mean log p_label, p clamped at 1e−7. After a softmax output,
 * `fit` computes it from the logits as −mean logSoftmax(z)_label (log-sum-exp, stable).
 */
export const crossEntropy = makeLoss(
  'crossEntropy',
  'classes',
  (p, y) => negLogLikelihood(p.clamp(EPS, 1).log(), y),
  {
    with: 'softmax',
    // Labels go to autograd's fused op (backward (softmax(z) − onehot)/N); one-hot rows to logSoftmax.
    fromLogits: (z, y) => {
      const labels = labelsOf(y, z);
      return labels ? softmaxCrossEntropy(z, labels) : negLogLikelihood(logSoftmax(z, -1), y);
    },
  },
);

/** Negative log-likelihood of log-probabilities (e.g. a logSoftmax output): −mean logp_label. */
export const nll = makeLoss('nll', 'classes', (logp, y) => negLogLikelihood(logp, y));

/** The losses by name, as `fit` accepts them in `loss: '…'`. */
export const losses = { mse, mae, binaryCrossEntropy, crossEntropy, nll } satisfies Record<string, Loss>;

/** A loss name from {@link losses}. */
export type LossName = keyof typeof losses;

/**
 * A loss by name or value. The built-in names autocomplete; any string is accepted by the type
 * and checked at run time.
 */
export type LossSpec = LossName | Loss | (string & {});

/** Looks a loss up by name or passes one through; unknown names list the valid ones. */
export function resolveLoss(loss: LossSpec): Loss {
  if (typeof loss !== 'string') {
    if (typeof loss !== 'function' || typeof loss.lossName !== 'string') {
      throw new Error(`loss must be a name (${Object.keys(losses).join(', ')}) or a Loss`);
    }
    return loss;
  }
  return lookupName<Loss>(losses, loss, 'loss', 'losses');
}
