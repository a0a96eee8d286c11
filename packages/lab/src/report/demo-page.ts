import { formatLoss, formatMetric } from '../format.js';
import { boundaryGrid, predictedClasses, testPoints } from '../pictures.js';
import type { ExampleRun } from '../run-example.js';
import { TASKS } from '../tasks.js';
import { bandCurveSpec, boundarySpec, type CurvePoint } from './charts.js';
import { lighten } from './charts.js';
import { activationColor } from './colors.js';
import { trainingStepDot, renderDot } from './graph.js';
import { buildPage } from './html.js';
import { pngDataUrl, probabilityRaster } from './png.js';
import { renderSvg } from './render.js';

/** The demo's page: the decision boundary over the test points, the loss curves and one training step's graph. */
export async function buildDemoPage(run: ExampleRun): Promise<string> {
  const { options, result, data, model } = run;
  const task = TASKS[options.task];
  const config = `${options.hidden.join('/')} → ${options.output}`;
  const g = boundaryGrid(model, data, options.output);
  const url = pngDataUrl(g.width, g.height, probabilityRaster(g.width, g.height, g.probs, g.classes));
  const predicted = predictedClasses(model, data, options.output);
  const points = (testPoints(task, data) ?? []).map((p, i) => ({ config, ...p, wrong: predicted[i] !== p.cls }));
  const wrong = points.filter((p) => p.wrong).length;
  const curves: CurvePoint[] = run.history.flatMap((e) => [
    { config: 'train', series: '', epoch: e.epoch, mean: e.trainLoss, lo: e.trainLoss, hi: e.trainLoss },
    { config: 'test', series: '', epoch: e.epoch, mean: e.testLoss, lo: e.testLoss, hi: e.testLoss },
  ]);
  // Train and test in the hidden activation's colour, test a lighter shade of it.
  const colour = activationColor(options.hidden[0]!);
  const lossColors = { domain: ['train', 'test'], range: [colour, lighten(colour, 0.5)] };
  const acc = result.testAccuracy ?? result.testR2 ?? NaN;
  const step = await renderDot(trainingStepDot(model, run.lossName, data.train.x, run.trainTargets));
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
        text: `The trained network\u2019s P(class 1) over the input plane, on the colour scale under the chart: white is the decision boundary (0.5). Dots are the ${points.length} held-out test points in their true class\u2019s colour; ${wrong === 0 ? 'none is misclassified' : `the ${wrong} black-edged cross${wrong > 1 ? 'es mark' : ' marks'} the misclassified one${wrong > 1 ? 's' : ''}`}.`,
        svg: await renderSvg(boundarySpec([{ config, x0: g.x0, x1: g.x1, y0: g.y0, y1: g.y1, url }], points, { title: 'P(class 1) over the input plane, with the test points', size: 360, binary: g.classes === 2 })),
      },
      {
        id: 'loss',
        title: 'Loss curve',
        text: 'Binary cross-entropy per epoch on the training batches and on the test set (log scale). Try other activations with actgrad example moons --hidden tanh, or compare them all with actgrad lab.',
        svg: await renderSvg(bandCurveSpec('Loss per epoch (log scale)', curves, lossColors, { yTitle: 'loss', log: true, colorTitle: 'data', colorField: 'config', width: 380, height: 220 })),
      },
      {
        id: 'graph',
        title: 'One training step as a graph',
        text: 'What backward() walks: the loss of the trained model on a batch of four training points, drawn by autograd\u2019s toDot and rendered by Graphviz compiled to WebAssembly. Boxes are values (orange: needs a gradient, grey: input or constant) with their shape and, after backward(), their gradient; ellipses are the ops that made them. The sigmoid output does not appear: binary cross-entropy is computed from the logits (fused), as in training.',
        svg: step,
        fit: true,
      },
    ],
  });
}
