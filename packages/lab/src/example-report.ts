import { formatLoss, formatMetric, formatSeconds, formatTable } from './format.js';
import type { ExampleRun } from './run-example.js';
import { TASKS } from './tasks.js';

/** The result table `actgrad example` prints. */
export function formatExample(run: ExampleRun): string {
  const { result, options } = run;
  const task = TASKS[options.task];
  const metric = result.testAccuracy !== undefined ? 'accuracy' : 'r2';
  const value = result.testAccuracy ?? result.testR2!;
  const trainValue = run.trainMetric;
  const bar = formatMetric(metric, task.bar);
  const layers = options.sizes.map((n, i) => `${n} ${options.hidden[i]}`).join(' → ');
  const lines = [
    `${task.name}: ${task.description}`,
    `model   ${run.inputs} inputs → ${layers} → ${run.outputs} ${options.output}`,
    `trained ${result.epochs === options.epochs ? options.epochs : `${result.epochs} of ${options.epochs}`} epochs, ${options.optimizer} lr ${options.lr}, batch ${options.batch}, seed ${options.seed} (${formatSeconds(result.seconds)} s)`,
    '',
    formatTable([
      ['', 'loss', metric === 'accuracy' ? 'accuracy' : 'R²'],
      ['train', formatLoss(result.trainLoss), formatMetric(metric, trainValue)],
      ['test', formatLoss(result.testLoss), formatMetric(metric, value)],
    ]),
    '',
    `test ${metric === 'accuracy' ? 'accuracy' : 'R²'} ${formatMetric(metric, value)} ${value >= task.bar ? '≥' : '<'} ${bar}, the bar this task's defaults reach`,
  ];
  return lines.join('\n');
}
