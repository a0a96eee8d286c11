import type { EpochLog, Sequential } from '@actgrad/nn';
import type { Tensor } from '@actgrad/tensor';
import { activationCurve, plottableActivations } from './activation-probe.js';
import { boundaryGrid, predictedClasses } from './pictures.js';
import {
  activationSpec, bandCurveSpec, boundarySpec, healthSpec, type ActivationPoint, type CurvePoint, type HealthPoint,
} from './report/charts.js';
import { activationScale } from './report/colors.js';
import { buildPage, type Section } from './report/html.js';
import { pngDataUrl, probabilityRaster } from './report/png.js';
import { renderSvg } from './report/render.js';
import type { TaskData } from './tasks.js';

/**
 * The lab's pictures for your own models, each an SVG string (inline it, save it as .svg, or put
 * several on a self-contained page with `htmlPage`). Histories are nn's `fit(...).history`, keyed
 * by a label: a label that names an activation gets that activation's colour.
 */
export type Histories = Record<string, readonly EpochLog[]>;

/** a(s) and a′(s) of registered activations (default: every elementwise one), run through their nodes. */
export async function activationPlot(names: readonly string[] = plottableActivations()): Promise<string> {
  const rows: ActivationPoint[] = [];
  for (const name of names) {
    const { s, a, da } = activationCurve(name);
    for (let i = 0; i < s.length; i++) {
      rows.push({ activation: name, s: s[i]!, curve: 'a(s)', value: a[i]! });
      rows.push({ activation: name, s: s[i]!, curve: 'a\u2032(s)', value: da[i]! });
    }
  }
  return renderSvg(activationSpec(rows, activationScale(names)));
}

/**
 * A 2-D classifier's output over the input plane with the points (x: [n, 2], labels: [n]) on top,
 * misclassified ones marked. `output` is the model's output activation ('sigmoid' by default;
 * 'tanh' is read as P = (a + 1) / 2).
 */
export async function decisionBoundaryPlot(model: Sequential, x: Tensor, labels: Tensor, opts: { output?: string; title?: string; size?: number } = {}): Promise<string> {
  if (x.ndim !== 2 || x.shape[1] !== 2) throw new Error(`decisionBoundaryPlot: x must have shape [n, 2]; got [${x.shape.join(', ')}]`);
  if (labels.size !== x.shape[0]) throw new Error(`decisionBoundaryPlot: ${labels.size} labels for ${x.shape[0]} points`);
  const output = opts.output ?? 'sigmoid';
  const outputs = model.config?.sizes.at(-1) ?? 1;
  const data: TaskData = { train: { x, y: labels }, test: { x, y: labels }, inputs: 2, outputs };
  const g = boundaryGrid(model, data, output);
  const predicted = predictedClasses(model, data, output);
  const y = labels.contiguous();
  const xs = x.contiguous();
  const config = opts.title ?? 'model';
  const points = Array.from({ length: y.size }, (_, i) => {
    const cls = y.data[y.offset + i]!;
    return { config, x: xs.data[xs.offset + 2 * i]!, y: xs.data[xs.offset + 2 * i + 1]!, label: String(cls), wrong: predicted[i] !== cls };
  });
  const url = pngDataUrl(g.width, g.height, probabilityRaster(g.width, g.height, g.probs, g.classes));
  return renderSvg(boundarySpec([{ config, x0: g.x0, x1: g.x1, y0: g.y0, y1: g.y1, url }], points, { size: opts.size ?? 320, binary: g.classes === 2, title: 'Decision boundary, misclassified points marked' }));
}

function curves(histories: Histories, series: (e: EpochLog) => Record<string, number | undefined>): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const [config, history] of Object.entries(histories)) {
    for (const e of history) {
      for (const [name, v] of Object.entries(series(e))) {
        if (v !== undefined && Number.isFinite(v)) out.push({ config, activation: config, series: name, epoch: e.epoch + 1, mean: v, lo: v, hi: v });
      }
    }
  }
  return out;
}

/** Training (and validation, when fit had it) loss per epoch, one line per history. */
export async function lossCurvePlot(histories: Histories): Promise<string> {
  const rows = curves(histories, (e) => ({ 'train loss': e.loss, 'validation loss': e.valLoss }));
  return renderSvg(bandCurveSpec('Loss per epoch (log scale)', rows, activationScale(Object.keys(histories)), { yTitle: 'loss', log: true, width: 270 }));
}

function needHealth(where: string, histories: Histories): void {
  for (const [k, h] of Object.entries(histories)) {
    if (h.length && !h[0]!.health) throw new Error(`${where}: history '${k}' has no health records; train with fit(..., { health: true })`);
  }
}

/** ‖∂L/∂W‖ of each Linear layer per epoch (needs `fit(..., { health: true })`). */
export async function gradientNormPlot(histories: Histories): Promise<string> {
  needHealth('gradientNormPlot', histories);
  const rows = curves(histories, (e) => Object.fromEntries((e.health ?? []).map((h, i, all) => [i === all.length - 1 ? 'output layer' : `hidden ${i + 1}`, h.gradNorm])));
  return renderSvg(bandCurveSpec('\u2016\u2202L/\u2202W\u2016 per layer (log scale)', rows, activationScale(Object.keys(histories)), { yTitle: '\u2016\u2202L/\u2202W\u2016', log: true }));
}

/** Dead ReLU and saturated sigmoid/tanh fractions per hidden layer per epoch (needs `health: true`). */
export async function unitHealthPlot(histories: Histories): Promise<string> {
  needHealth('unitHealthPlot', histories);
  const rows: HealthPoint[] = [];
  for (const [config, history] of Object.entries(histories)) {
    for (const e of history) {
      (e.health ?? []).slice(0, -1).forEach((h, i) => {
        if (h.deadFraction != null) rows.push({ config, activation: config, epoch: e.epoch + 1, panel: `dead units, hidden ${i + 1}`, fraction: h.deadFraction });
        if (h.saturatedFraction != null) rows.push({ config, activation: config, epoch: e.epoch + 1, panel: `saturated units, hidden ${i + 1}`, fraction: h.saturatedFraction });
      });
    }
  }
  return renderSvg(healthSpec(rows, activationScale(Object.keys(histories))));
}

/** SVGs on one self-contained HTML page: inline styles and charts, no script, no network. */
export function htmlPage(page: { title: string; subtitle?: string[]; sections: { title: string; text?: string; svg: string }[] }): string {
  const sections: Section[] = page.sections.map((s, i) => ({ id: `s${i + 1}`, title: s.title, text: s.text ?? '', svg: s.svg }));
  return buildPage({ title: page.title, subtitle: page.subtitle ?? [], sections });
}
