import { formatLoss, formatMetric } from '../format.js';
import { boundaryGrid, testPoints } from '../pictures.js';
import type { ExampleRun } from '../run-example.js';
import { TASKS } from '../tasks.js';
import { bandCurveSpec, boundarySpec, type CurvePoint } from './charts.js';
import { buildPage } from './html.js';
import { pngDataUrl, probabilityRaster } from './png.js';
import { renderSvg } from './render.js';

/** The demo's page: the decision boundary over the test points, and the loss curves. */
export async function buildDemoPage(run: ExampleRun): Promise<string> {
  const { options, result, data, model } = run;
  const task = TASKS[options.task];
  const config = `${options.hidden.join('/')} → ${options.output}`;
  const g = boundaryGrid(model, data, options.output);
  const url = pngDataUrl(g.width, g.height, probabilityRaster(g.width, g.height, g.probs, g.classes));
  const points = (testPoints(task, data) ?? []).map((p) => ({ config, ...p }));
  const curves: CurvePoint[] = run.history.flatMap((e) => [
    { config: 'train', series: '', epoch: e.epoch, mean: e.trainLoss, lo: e.trainLoss, hi: e.trainLoss },
    { config: 'test', series: '', epoch: e.epoch, mean: e.testLoss, lo: e.testLoss, hi: e.testLoss },
  ]);
  const acc = result.testAccuracy ?? result.testR2 ?? NaN;
  return buildPage({
    title: `actgrad demo: ${task.name}`,
    subtitle: [
      `${task.description}. MLP ${data.inputs} → ${options.sizes.map((n, i) => `${n} ${options.hidden[i]}`).join(' → ')} → ${data.outputs} ${options.output}; ${options.optimizer} lr ${options.lr}, batch ${options.batch}, ${result.epochs} epochs, seed ${options.seed}.`,
      `Test ${task.metric === 'accuracy' ? 'accuracy' : 'R²'} ${formatMetric(task.metric, acc)}, test loss ${formatLoss(result.testLoss)}, trained in ${result.seconds.toFixed(2)} s.`,
    ],
    sections: [
      {
        id: 'boundary',
        title: 'Decision boundary',
        text: 'The trained network\u2019s P(class 1) over the input plane: solid colour where it is sure, pale along the boundary. Dots are the held-out test points, coloured by their true class.',
        svg: await renderSvg(boundarySpec([{ config, x0: g.x0, x1: g.x1, y0: g.y0, y1: g.y1, url }], points, { title: 'P(class 1) over the input plane, with the test points', size: 380 })),
      },
      {
        id: 'loss',
        title: 'Loss curve',
        text: 'Binary cross-entropy per epoch on the training batches and on the test set (log scale). Try other activations with actgrad example moons --hidden tanh, or compare them all with actgrad lab.',
        svg: await renderSvg(bandCurveSpec('Loss per epoch (log scale)', curves, { yTitle: 'loss', log: true, colorTitle: 'data', width: 380, height: 240 })),
      },
    ],
  });
}
