import type { TopLevelSpec } from 'vega-lite';
import { CLASS_COLORS } from './colors.js';

/** Rows of the charts below; the lab turns its runs into these, the page builder renders them. */
export interface CurvePoint { config: string; activation?: string; output?: string; epoch: number; series: string; mean: number; lo: number; hi: number }
export interface ActivationPoint { activation: string; s: number; curve: string; value: number }
export interface HealthPoint { config: string; activation: string; epoch: number; panel: string; fraction: number; output?: string }
/** One raster per configuration covering [x0, x1] × [y0, y1]; `url` is a PNG data URL. */
export interface BoundaryImage { config: string; x0: number; x1: number; y0: number; y1: number; url: string }
/** A test point; `wrong` when this configuration misclassifies it. */
export interface LabelledPoint { config: string; x: number; y: number; label: string; wrong?: boolean }
export interface PredictionPoint { config: string; activation: string; truth: number; predicted: number }
export interface ConfusionCell { config: string; truth: string; predicted: string; count: number; share: number }
export interface LayerNormPoint { config: string; layer: number; norm: number }

/** Colour of each configuration (its hidden activation's): the same scale in every chart of a page. */
export interface ColorScale { domain: string[]; range: string[] }

/** Distinct values of a field in first-appearance order: facets, legends and colours follow the caller's order. */
function order<T extends object>(rows: readonly T[], key: keyof T): string[] {
  return [...new Set(rows.map((r) => String(r[key])))];
}

/** Colour by hidden activation (dashes tell outputs apart), pinned to the page's scale. */
function configColor(colors: ColorScale, title = 'hidden activation', field = 'activation') {
  return { field, type: 'nominal', title, scale: colors, legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5, columns: 4, labelLimit: 160 } };
}

/** Each panel draws its own axes, so a wrapped facet's last row has no axes under missing panels. */
const OWN_AXES = { axis: { x: 'independent', y: 'independent' } };

/** Dashes tell the outputs apart when a sweep pairs several with each hidden activation. */
function outputDash(rows: readonly { output?: string }[]) {
  const outputs = order(rows.filter((r) => r.output !== undefined) as { output: string }[], 'output');
  return outputs.length > 1 ? { strokeDash: { field: 'output', type: 'nominal', title: 'output', sort: outputs, legend: { symbolType: 'stroke' } } } : {};
}

/** Columns for a wrapped facet of n panels that leave no row ragged where a 2- or 3-wide grid can. */
export function fullRows(n: number, max = 3): number {
  if (n <= max) return n;
  if (n % max === 0) return max;
  return n % 2 === 0 ? 2 : max;
}

/** Whole epochs only: a 5-epoch run is not labelled 1.0, 1.5, 2.0. */
export const EPOCH_AXIS = { tickMinStep: 1, format: 'd' };

/** Log axes label only powers of ten, compactly (1e-7 rather than 0.0000001). */
const LOG_AXIS = {
  labelExpr: "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) > 1e-6 ? ''"
    + " : datum.value >= 0.001 && datum.value <= 1000 ? format(datum.value, '~g') : format(datum.value, '.0e')",
};

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Panel sizes chosen so three panels and their axes fit a 720 px column (an 800 px window). */
const WIDTH = 150;
const HEIGHT = 140;
const FONT = { font: 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif' };

function base(title: string): Pick<TopLevelSpec, '$schema' | 'title' | 'config' | 'background'> {
  return {
    $schema: SCHEMA,
    // Keep titles short: without a canvas, vega estimates text width generously and sizes the SVG by it.
    title: { text: title, anchor: 'start', fontSize: 13 },
    background: 'white',
    config: {
      ...FONT, view: { stroke: '#ddd' }, axis: { gridColor: '#eee', labelFontSize: 10 },
      // Legends below the panels: the chart's width is the panels' alone.
      legend: { labelFontSize: 11, orient: 'bottom', direction: 'horizontal' },
    },
  };
}

/** a(s) solid and a′(s) dashed, one small panel per activation, in the activation's colour. */
export function activationSpec(rows: ActivationPoint[], colors: ColorScale, columns = 4): TopLevelSpec {
  return {
    ...base('a(s) solid and a\u2032(s) dashed, as implemented'),
    data: { values: rows },
    facet: { field: 'activation', type: 'nominal', title: null, sort: order(rows, 'activation') },
    columns,
    resolve: OWN_AXES,
    spec: {
      width: 130,
      height: 100,
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: {
        x: { field: 's', type: 'quantitative', title: 's' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [-2.5, 3] } },
        color: { field: 'activation', type: 'nominal', scale: colors, legend: null },
        strokeDash: { field: 'curve', type: 'nominal', title: null, scale: { range: [[1, 0], [5, 3]] } },
      },
    },
  } as TopLevelSpec;
}

/**
 * Mean curve over seeds with a band from the lowest to the highest seed, one panel per series
 * (train/test loss, or one per layer). Log scale: losses and gradient norms span decades.
 */
export function bandCurveSpec(
  title: string,
  rows: CurvePoint[],
  colors: ColorScale,
  opts: { yTitle: string; log?: boolean; colorTitle?: string; colorField?: string; width?: number; height?: number; columns?: number } = { yTitle: 'value' },
): TopLevelSpec {
  const y = { field: 'mean', type: 'quantitative', title: opts.yTitle, scale: opts.log ? { type: 'log' } : { zero: false }, axis: opts.log ? LOG_AXIS : {} };
  const series = order(rows, 'series');
  return {
    ...base(title),
    data: { values: rows },
    // A log axis cannot show 0 (a layer whose units all died has no gradient): drop such points,
    // and let a band that reaches 0 start at its mean instead.
    transform: opts.log
      ? [{ filter: 'datum.mean > 0' }, { calculate: 'datum.lo > 0 ? datum.lo : datum.mean', as: 'lo' }]
      : [],
    facet: { field: 'series', type: 'nominal', title: null, sort: series, header: series.length > 1 ? {} : { labels: false } },
    columns: opts.columns ?? fullRows(series.length),
    resolve: OWN_AXES,
    spec: {
      width: opts.width ?? WIDTH,
      height: opts.height ?? HEIGHT,
      layer: [
        {
          mark: { type: 'area', fillOpacity: 0.15 },
          encoding: { x: { field: 'epoch', type: 'quantitative', axis: EPOCH_AXIS }, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: configColor(colors, opts.colorTitle, opts.colorField), detail: { field: 'config' } },
        },
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: EPOCH_AXIS }, y, color: configColor(colors, opts.colorTitle, opts.colorField), detail: { field: 'config' }, ...outputDash(rows) },
        },
      ],
    },
  } as TopLevelSpec;
}

/**
 * Dead-unit and saturated-unit fractions over training, one panel per (measure, layer) that has
 * data: a sweep without sigmoid or tanh gets no saturation panels rather than empty ones.
 */
export function healthSpec(rows: HealthPoint[], colors: ColorScale): TopLevelSpec {
  return {
    ...base('Dead ReLUs and saturated sigmoid/tanh units'),
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', title: null, sort: order(rows, 'panel') },
    columns: fullRows(order(rows, 'panel').length),
    resolve: OWN_AXES,
    spec: {
      width: WIDTH,
      height: 110,
      mark: { type: 'line', strokeWidth: 1.8 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: EPOCH_AXIS },
        y: { field: 'fraction', type: 'quantitative', title: 'fraction of units', scale: { domain: [0, 1] } },
        color: configColor(colors),
        detail: { field: 'config' },
        ...outputDash(rows),
      },
    },
  } as TopLevelSpec;
}

/** P(class 1) from 0 to 1: class 0's colour, white at the boundary (0.5), class 1's colour. */
export const PROBABILITY_RANGE = [lighten(CLASS_COLORS[0]!, 0.3), '#ffffff', lighten(CLASS_COLORS[1]!, 0.3)];

export function lighten(hex: string, amount: number): string {
  const v = parseInt(hex.slice(1), 16);
  const ch = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => Math.round(c + (255 - c) * amount));
  return `#${ch.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Model output over the 2-D input plane as a raster (see `probabilityRaster`) with the test
 * points on top, coloured by true class; a point the model gets wrong is drawn as a black-edged
 * cross. For a binary task the raster is P(class 1) on a colour scale with its legend.
 */
export function boundarySpec(images: BoundaryImage[], points: LabelledPoint[], opts: { title?: string; size?: number; binary?: boolean; columns?: number } = {}): TopLevelSpec {
  const size = opts.size ?? 180;
  // A facet splits one data set, so images, points and the scale's two ends travel together.
  const values = [
    ...images.map((c) => ({ kind: 'image', ...c })),
    ...points.map((p) => ({ kind: 'point', ...p, wrong: p.wrong === true })),
    ...(opts.binary && images[0] ? [0, 1].map((p) => ({ kind: 'scale', config: images[0]!.config, x: images[0]!.x0, y: images[0]!.y0, p })) : []),
  ];
  const x = { field: 'x', type: 'quantitative' };
  const y = { field: 'y', type: 'quantitative' };
  return {
    ...base(opts.title ?? 'Decision boundaries, with the test points (first seed)'),
    data: { values },
    facet: { field: 'config', type: 'nominal', title: null, sort: order(images, 'config') },
    columns: opts.columns ?? fullRows(images.length),
    resolve: OWN_AXES,
    spec: {
      width: size,
      height: size,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'image'" }],
          // aria off: the label would repeat the whole data URL
          mark: { type: 'image', aspect: false, aria: false },
          encoding: {
            x: { field: 'x0', type: 'quantitative', title: 'x\u2081', scale: { nice: false, zero: false } },
            x2: { field: 'x1' },
            y: { field: 'y1', type: 'quantitative', title: 'x\u2082', scale: { nice: false, zero: false } },
            y2: { field: 'y0' },
            url: { field: 'url', type: 'nominal' },
          },
        },
        ...(opts.binary ? [{
          // Invisible: two rows whose only job is the colour bar of the raster's scale.
          transform: [{ filter: "datum.kind === 'scale'" }],
          mark: { type: 'point', opacity: 0 },
          encoding: {
            x, y,
            color: { field: 'p', type: 'quantitative', title: 'P(class 1)', scale: { domain: [0, 1], range: PROBABILITY_RANGE, interpolate: 'rgb' }, legend: { gradientLength: 160, tickCount: 5 } },
          },
        }] : []),
        {
          transform: [{ filter: "datum.kind === 'point'" }],
          mark: { type: 'point', filled: true, opacity: 1 },
          encoding: {
            x, y,
            fill: { field: 'label', type: 'nominal', title: 'true class', scale: { range: CLASS_COLORS } },
            shape: { condition: { test: 'datum.wrong', value: 'cross' }, value: 'circle' },
            size: { condition: { test: 'datum.wrong', value: 70 }, value: 20 },
            stroke: { condition: { test: 'datum.wrong', value: 'black' }, value: 'white' },
            strokeWidth: { condition: { test: 'datum.wrong', value: 1.2 }, value: 0.6 },
          },
        },
      ],
    },
  } as unknown as TopLevelSpec;
}
