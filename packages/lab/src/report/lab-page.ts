import { getActivation } from '@actgrad/autograd';
import { activationCurve, isElementwise } from '../activation-probe.js';
import { formatLoss, formatMeanStd, formatMetric, formatSeconds } from '../format.js';
import { bandCurves, initialProfile, gradNormSeries, healthPoints, lossSeries, summarize } from '../lab/aggregate.js';
import { SAME_START_INIT } from '../lab/run-lab.js';
import type { LabResult, RunPicture } from '../lab/types.js';
import { TASKS } from '../tasks.js';
import {
  activationSpec, bandCurveSpec, boundarySpec, healthSpec,
  type ActivationPoint, type BoundaryImage, type ConfusionCell, type LabelledPoint, type PredictionPoint,
} from './charts.js';
import { activationScale } from './colors.js';
import { confusionSpec, deepSpec, predictionSpec } from './result-charts.js';
import { buildPage, type Section } from './html.js';
import { pngDataUrl, probabilityRaster } from './png.js';
import { renderSvg } from './render.js';

/** The lab's summary as table rows (header first); the CLI prints the same rows as text. */
export function summaryRows(result: LabResult): string[][] {
  const metricName = result.metric === 'accuracy' ? 'test accuracy' : 'test R²';
  const fm = (v: number) => formatMetric(result.metric, v);
  const threshold = `epochs to ${fm(result.options.threshold)}`;
  const rows = [['configuration', 'train loss', 'test loss', metricName, threshold, 'seconds']];
  for (const s of summarize(result.runs)) {
    const reached = s.reached === s.seeds ? '' : ` (${s.reached}/${s.seeds})`;
    rows.push([
      s.config,
      formatMeanStd(s.trainLoss, formatLoss),
      formatMeanStd(s.testLoss, formatLoss),
      formatMeanStd(s.metric, fm),
      s.reached === 0 ? `never (0/${s.seeds})` : formatMeanStd(s.epochsToThreshold, (v) => v.toFixed(1)) + reached,
      formatMeanStd(s.seconds, formatSeconds),
    ]);
  }
  return rows;
}

/** Registered elementwise activations worth drawing: the compared ones first, then the rest. */
function activationRows(names: string[]): ActivationPoint[] {
  const rows: ActivationPoint[] = [];
  for (const name of names) {
    const { s, a, da } = activationCurve(name);
    for (let i = 0; i < s.length; i++) {
      rows.push({ activation: name, s: s[i]!, curve: 'a(s)', value: a[i]! });
      rows.push({ activation: name, s: s[i]!, curve: "a\u2032(s)", value: da[i]! });
    }
  }
  return rows;
}

function boundaryImages(pictures: RunPicture[]): BoundaryImage[] {
  const images: BoundaryImage[] = [];
  for (const p of pictures) {
    if (!p.grid) continue;
    const g = p.grid;
    const url = pngDataUrl(g.width, g.height, probabilityRaster(g.width, g.height, g.probs, g.classes));
    images.push({ config: p.config, x0: g.x0, x1: g.x1, y0: g.y0, y1: g.y1, url });
  }
  return images;
}

export interface LabPageInput {
  result: LabResult;
  /** Test points for the boundary charts (2-D tasks). */
  testPoints?: { x: number; y: number; label: string; cls: number }[];
  /** Every activation in the registry, to draw beside the compared ones. */
  allActivations: string[];
}

export async function buildLabPage({ result, testPoints, allActivations }: LabPageInput): Promise<string> {
  const { options } = result;
  const task = TASKS[options.task];
  const sections: Section[] = [];
  // One colour per hidden activation, from the registry: the same in every chart below.
  const colors = activationScale([...result.runs, ...(result.deep?.runs ?? [])].map((r) => r.activation));

  const compared = options.hidden.filter(isElementwise);
  const outputsDrawn = options.outputs.filter((o) => isElementwise(o) && !compared.includes(o));
  const others = allActivations.filter((n) => isElementwise(n) && !compared.includes(n) && !outputsDrawn.includes(n));
  const drawn = [...compared, ...outputsDrawn, ...others];
  sections.push({
    id: 'activations',
    title: 'Activations and derivatives',
    text: `Each panel runs the registered activation node on a grid of s and back-propagates ones through it, so a′(s) is the derivative training uses, not a formula typed again. `
      + `Registered activations: ${drawn.join(', ')}. At s = 0 the ReLU family takes the right-hand slope, as in the lecture's notes.`
      + (allActivations.some((n) => !isElementwise(n)) ? `\n\nNot drawn: ${allActivations.filter((n) => !isElementwise(n)).join(', ')}, which mix a whole row and have no single a(s).` : ''),
    svg: await renderSvg(activationSpec(activationRows(drawn), activationScale(drawn))),
    table: [
      ['activation', 'a(s)', "a′(s)", 'saves for backward'],
      ...[...drawn, ...allActivations.filter((n) => !isElementwise(n))].map((n) => {
        const def = getActivation(n);
        return [n, def.formula, def.derivative, def.saves];
      }),
    ],
  });

  sections.push({
    id: 'loss',
    title: 'Loss curves',
    text: `Mean over ${options.seeds} seed${options.seeds > 1 ? 's' : ''} per configuration; the band spans the lowest to the highest seed. Same data, same data order and same seeds for every configuration; `
      + (options.sameStart ? `same start: every configuration of a seed starts from identical weights (${SAME_START_INIT} for all), so only the activation changes.` : 'only the activation (and the initialisation that suits it: He, Glorot or LeCun) changes; --same-start gives every configuration identical initial weights.'),
    svg: await renderSvg(bandCurveSpec('Loss per epoch (log scale)', bandCurves(result.runs, lossSeries), colors, { yTitle: 'loss', log: true, width: 270, columns: 2 })),
  });

  sections.push({
    id: 'gradients',
    title: 'Gradient norm per layer',
    text: 'Norm of ∂L/∂W for each Linear layer, measured after every epoch on a fixed probe batch of up to 256 training rows (mean over seeds; the band spans the seeds). Norms that shrink towards the input mean the first layers learn slowly.',
    svg: await renderSvg(bandCurveSpec('‖∂L/∂W‖ per layer (log scale)', bandCurves(result.runs, gradNormSeries), colors, { yTitle: '‖∂L/∂W‖', log: true })),
  });

  const health = healthPoints(result.runs);
  if (health.length) sections.push({
    id: 'health',
    title: 'Dead and saturated units',
    text: 'Measured after every epoch on the same probe batch. Dead (ReLU layers): a unit whose pre-activation is negative on every probe row, so no gradient reaches its weights again. '
      + 'Saturated (sigmoid and tanh layers): share of outputs in the flat tails where a\u2032(s) is under 4% of its peak — σ outside [0.01, 0.99], |tanh| above 0.98. Other activations have no such measure and draw no line.',
    svg: await renderSvg(healthSpec(health, colors)),
  });

  const pictures = result.pictures;
  if (pictures.some((p) => p.grid)) {
    const images = boundaryImages(pictures);
    // Each configuration's own mistakes: its predicted class against the true one, point by point.
    const points: LabelledPoint[] = pictures.filter((p) => p.grid).flatMap((pic) => (testPoints ?? []).map((p, i) => ({
      config: pic.config, ...p, wrong: pic.predictedTest !== undefined && pic.predictedTest[i] !== p.cls,
    })));
    const binary = pictures.find((p) => p.grid)!.grid!.classes === 2;
    sections.push({
      id: 'boundaries',
      title: 'Decision boundaries',
      text: (binary
        ? 'P(class 1) over the input plane for the first seed, on the colour scale below the panels: white is the decision boundary (0.5). '
        : 'Most likely class over the input plane for the first seed: solid colour where the model is sure, pale near a boundary. ')
        + 'Dots are the test points in their true class\u2019s colour; a black-edged cross marks a test point this configuration gets wrong.',
      svg: await renderSvg(boundarySpec(images, points, { binary })),
    });
  } else if (pictures.some((p) => p.predictions)) {
    const rows: PredictionPoint[] = [];
    for (const p of pictures) {
      if (!p.predictions) continue;
      const { truth, predicted } = p.predictions;
      for (let i = 0; i < truth.length; i++) rows.push({ config: p.config, activation: p.activation, truth: truth[i]!, predicted: predicted[i]! });
    }
    sections.push({
      id: 'predictions',
      title: 'Predicted vs true',
      text: 'Test-set predictions of the first seed against the true targets; the dashed line is a perfect fit. An output activation that cannot reach part of the target range flattens against its bound.',
      svg: await renderSvg(predictionSpec(rows, colors)),
    });
  }

  if (pictures.some((p) => p.confusion)) {
    const rows: ConfusionCell[] = [];
    for (const p of pictures) {
      if (!p.confusion) continue;
      const { classes, counts } = p.confusion;
      counts.forEach((row, t) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        row.forEach((count, c) => rows.push({ config: p.config, truth: classes[t]!, predicted: classes[c]!, count, share: count / total }));
      });
    }
    sections.push({
      id: 'confusion',
      title: 'Predicted vs true classes',
      text: `${task.name} has more than two inputs, so there is no plane to draw a boundary on; instead, the test set counted by true class (rows) and predicted class (columns) for the first seed. Everything off the diagonal is a mistake.`,
      svg: await renderSvg(confusionSpec(rows)),
    });
  }

  if (result.deep) {
    const { depth, width, runs } = result.deep;
    const first = bandCurves(runs, (e) => ({ 'layer 1': e.gradNorms[0]! }));
    const profile = initialProfile(runs);
    const ratio = (config: string) => {
      const p = profile.filter((r) => r.config === config);
      return p.length ? p[0]!.norm / p.at(-1)!.norm : NaN;
    };
    const ratios = [...new Set(runs.map((r) => r.config))].map((c) => `${c}: ${ratio(c).toExponential(1)}`).join(', ');
    sections.push({
      id: 'deep',
      title: 'Vanishing gradients in a deep network',
      text: `The same ${depth}-hidden-layer network, ${width} units wide, trained on ${task.name} with each activation. With sigmoid each layer multiplies the backward signal by a′(s) ≤ 0.25, so the first layer's gradient is orders of magnitude smaller than the last's; ReLU and SELU keep it flowing. `
        + `First-layer over output-layer gradient norm at initialisation — ${ratios}.`,
      svg: await renderSvg(deepSpec(profile, first, depth, activationScale(runs.map((r) => r.activation)))),
    });
  }

  const s = options.settings;
  return buildPage({
    title: `Activation lab: ${task.name}`,
    subtitle: [
      `${task.description}. Hidden layers ${s.sizes.join('×')}, output ${options.outputs.join(', ')}, ${s.optimizer} lr ${s.lr}, batch ${s.batch}, ${s.epochs} epochs, seeds ${options.seed}…${options.seed + options.seeds - 1}.`,
      `Generated ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    ],
    warnings: [...result.warnings, ...result.skipped.map((k) => `skipped ${k.hidden} → ${k.output}: ${k.reason}`)],
    tables: [{
      caption: `Mean ± std over ${options.seeds} seed${options.seeds > 1 ? 's' : ''}. Epochs to ${formatMetric(result.metric, options.threshold)}: first epoch whose test `
        + `${result.metric === 'accuracy' ? 'accuracy' : 'R²'} reached it, over the seeds that did (k/n when not all did).`,
      rows: summaryRows(result),
    }],
    sections,
  });
}

