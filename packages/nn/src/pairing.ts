import { activations } from '@actgrad/autograd';
import type { Loss } from './losses.js';

/** One finding of {@link checkPairing}. */
export interface PairingIssue {
  level: 'error' | 'warning';
  message: string;
}

/** Targets as the check sees them: a flat row-major array with its column count. */
export interface TargetInfo {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** Value ranges of the built-in activations, where bounded (for target checks). */
const RANGES = new Map<string, [number, number]>([
  ['sigmoid', [0, 1]],
  ['softmax', [0, 1]],
  ['tanh', [-1, 1]],
  ['relu', [0, Infinity]],
  ['softplus', [0, Infinity]],
]);

/** Options of {@link checkPairing}. */
export interface PairingOptions {
  /**
   * The targets are held-out data being evaluated, not training data: targets outside a bounded
   * output's range are a warning instead of an error.
   */
  heldOut?: boolean;
  /** The model's class name, for the message when it declares no output activation. */
  model?: string;
}

// The built-in names, from autograd's one list of definitions.
const KNOWN = new Set<string>(Object.keys(activations));

function minMax(d: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < d.length; i++) {
    if (d[i] < lo) lo = d[i];
    if (d[i] > hi) hi = d[i];
  }
  return [lo, hi];
}

/**
 * The notes' use-scenario table as checks on (output activation, loss, targets): errors for
 * combinations that cannot work (targets outside the output's range, labels ≥ the number of
 * classes, softmax over one unit, a probability loss on an unbounded output), warnings for ones
 * that train badly (softmax with MSE). `fit` throws on the first error and reports warnings.
 * `output` undefined (a model that declares no output activation) skips the checks that need
 * it, with a warning saying so.
 */
export function checkPairing(outputIn: string | undefined, outputUnits: number, loss: Loss, y: TargetInfo, opts: PairingOptions = {}): PairingIssue[] {
  const issues: PairingIssue[] = [];
  const error = (message: string) => issues.push({ level: 'error', message });
  const warn = (message: string) => issues.push({ level: 'warning', message });
  const name = loss.lossName;
  if (outputIn === undefined) {
    warn(
      `the model${opts.model ? ` (${opts.model})` : ''} declares no output activation, so loss '${name}' is computed unfused ` +
        'and its pairing with the output (probabilities, target range) could not be checked; declare it with an ' +
        "`outputActivation` property (and `forwardLogits(x)` to fuse the loss)",
    );
  }
  // Without a declaration only the checks that do not depend on the output run.
  const output = outputIn ?? 'linear';
  const known = outputIn !== undefined && KNOWN.has(output);

  if (output === 'softmax' && outputUnits === 1) {
    error("output 'softmax' over a single unit always gives 1; use 'sigmoid' for binary classification or one unit per class");
  }

  if (loss.targetKind === 'classes') {
    if (outputUnits < 2) {
      error(`loss '${name}' needs one output unit per class (≥ 2); got ${outputUnits}. For two classes with one unit use binaryCrossEntropy with a sigmoid output`);
    }
    if (y.cols === 1) {
      for (let i = 0; i < y.rows; i++) {
        const v = y.data[i];
        if (!Number.isInteger(v) || v < 0) {
          error(`loss '${name}' expects integer class labels ≥ 0; got ${v} at row ${i}`);
          break;
        }
      }
      const [, hi] = minMax(y.data);
      if (outputUnits >= 2 && hi >= outputUnits) error(`loss '${name}' expects labels < ${outputUnits} (output units); got ${hi}`);
    } else if (y.cols !== outputUnits) {
      error(`loss '${name}': one-hot targets have ${y.cols} columns but the model has ${outputUnits} output units`);
    }
    if (outputIn === undefined) return issues;
    if (name === 'crossEntropy' && output !== 'softmax') {
      if (output === 'logSoftmax') error("loss 'crossEntropy' expects probabilities but the output is 'logSoftmax'; use the 'nll' loss");
      else if (known) error(`loss 'crossEntropy' expects probabilities from a 'softmax' output; got '${output}'. Use output: 'softmax' (the loss is then computed from the logits in one stable step)`);
      else warn(`loss 'crossEntropy' expects probabilities; make sure the custom output '${output}' gives rows that sum to 1`);
    }
    if (name === 'nll' && output !== 'logSoftmax') {
      if (output === 'softmax') error("loss 'nll' expects log-probabilities but the output is 'softmax'; use the 'crossEntropy' loss");
      else warn(`loss 'nll' expects log-probabilities (output 'logSoftmax'); got '${output}'`);
    }
    return issues;
  }

  // Dense targets: one column per output unit (a 1-D y counts as one column).
  if (y.cols !== outputUnits) {
    error(`loss '${name}': targets have ${y.cols} column${y.cols === 1 ? '' : 's'} but the model has ${outputUnits} output unit${outputUnits === 1 ? '' : 's'}`);
    return issues;
  }
  const [lo, hi] = minMax(y.data);
  if (name === 'binaryCrossEntropy') {
    if (lo < 0 || hi > 1) error(`loss 'binaryCrossEntropy' expects targets in [0, 1]; got values in [${lo}, ${hi}]`);
    if (outputIn === undefined) return issues;
    const range = RANGES.get(output);
    if (output !== 'sigmoid' && output !== 'softmax') {
      if (known && !(range && range[0] >= 0 && range[1] <= 1)) {
        error(`loss 'binaryCrossEntropy' expects probabilities but output '${output}' is not bounded to [0, 1]; use output: 'sigmoid' (fused with the loss for stability)`);
      } else if (!known) warn(`loss 'binaryCrossEntropy' expects probabilities; make sure the custom output '${output}' stays in (0, 1)`);
    }
  }
  if (output === 'softmax' && name !== 'binaryCrossEntropy') {
    warn(`output 'softmax' with loss '${name}': gradients through softmax are small and classes interact; use 'crossEntropy' for classification`);
  }
  const range = outputIn === undefined ? undefined : RANGES.get(output);
  if (range && (lo < range[0] || hi > range[1])) {
    const msg = `output '${output}' produces values in [${range[0]}, ${range[1]}] but the targets span [${lo}, ${hi}]; scale the targets into that range or use a 'linear' output`;
    // Held-out targets a little outside the training range are normal after train-set scaling:
    // evaluation reports them (the error is measured all the same), training cannot fit them.
    if ((output === 'sigmoid' || output === 'tanh' || output === 'softmax') && !opts.heldOut) error(msg);
    else warn(msg);
  }
  return issues;
}
