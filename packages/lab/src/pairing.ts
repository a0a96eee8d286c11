import { isElementwise, outputRange } from './activation-probe.js';
import type { TaskDef, TrainSettings } from './tasks.js';

/**
 * The lecture's use-scenario table as advice for one task. nn's `checkPairing` already refuses
 * what cannot work (softmax over one unit, a sigmoid or tanh output that cannot reach the
 * targets) and warns about what trains badly; this adds what the notes advise for the task, so
 * a user who swaps activations is told what to expect, then sees it happen.
 */

/** Outputs whose value range nn's check already compares with the targets. */
const RANGE_CHECKED_BY_NN = new Set(['sigmoid', 'tanh', 'softmax', 'relu', 'softplus']);

/**
 * The output activations the use-scenario table lists for the task: its recommended one, and
 * for binary classification tanh beside sigmoid ("Sigmoid (tanh)"; labels then become −1/1).
 */
export function advisedOutputs(task: TaskDef): string[] {
  return task.kind === 'binary' && task.recommendedOutput !== 'tanh' ? [task.recommendedOutput, 'tanh'] : [task.recommendedOutput];
}

export function formatRange([lo, hi]: [number, number]): string {
  const f = (v: number) => (v === Infinity ? '∞' : v === -Infinity ? '−∞' : String(+v.toFixed(3)).replace('-', '−'));
  return `[${f(lo)}, ${f(hi)}]`;
}

function describeKind(task: TaskDef): string {
  if (task.kind === 'binary') return 'binary classification';
  if (task.kind === 'multiclass') return 'multi-class classification';
  if (task.targetRange) return `regression with targets in ${formatRange(task.targetRange)}`;
  return 'unbounded regression';
}

/**
 * Warnings for a (task, hidden, output) choice the notes advise against. `hiddenAdvice: false`
 * leaves out the hidden-layer advice, for the lab, whose point is to compare hidden activations.
 */
export function adviceFor(task: TaskDef, settings: Pick<TrainSettings, 'hidden' | 'output'>, opts: { hiddenAdvice?: boolean } = {}): string[] {
  const warnings: string[] = [];
  const { output } = settings;
  const advised = advisedOutputs(task).includes(output);
  if (!advised) warnings.push(`the notes advise a ${task.recommendedOutput} output for ${describeKind(task)}; training with ${output} as asked.`);
  if (task.kind === 'multiclass' && isElementwise(output)) {
    const loss = output === 'sigmoid' ? 'binary cross-entropy per class' : 'mean squared error';
    warnings.push(`${output} outputs are not a probability distribution over the classes: they are trained against one-hot targets with ${loss}.`);
  }
  if (task.kind === 'binary' && output !== 'sigmoid' && output !== 'tanh' && isElementwise(output)) {
    warnings.push(`${output} outputs are not probabilities: they are trained with mean squared error against labels 0/1 and thresholded at 0.5.`);
  }
  if (task.kind === 'regression' && task.targetRange && isElementwise(output) && !RANGE_CHECKED_BY_NN.has(output)) {
    const [lo, hi] = outputRange(output);
    if (lo > task.targetRange[0] || hi < task.targetRange[1]) {
      warnings.push(`${output} outputs lie in ${formatRange([lo, hi])} but the targets span ${formatRange(task.targetRange)}: part of them is out of reach.`);
    }
  }
  if (opts.hiddenAdvice ?? true) {
    for (const name of new Set(settings.hidden)) {
      if (!isElementwise(name)) warnings.push(`${name} as a hidden activation mixes all units of a layer; the notes use it only at the output.`);
      else if (name === 'linear') warnings.push('a linear hidden layer adds no non-linearity: stacked linear layers collapse into one linear map.');
      else if (name === 'sigmoid' || name === 'tanh') {
        warnings.push(`the notes advise the ReLU family for hidden layers; ${name} saturates, and its gradient shrinks layer by layer.`);
      }
    }
  }
  return warnings;
}
