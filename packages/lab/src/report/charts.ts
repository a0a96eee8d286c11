import type { TopLevelSpec } from 'vega-lite';
import { PALETTE } from './png.js';

/** Rows of the charts below; the lab turns its runs into these, the page builder renders them. */
export interface CurvePoint { config: string; epoch: number; series: string; mean: number; lo: number; hi: number }
export interface ActivationPoint { activation: string; s: number; curve: string; value: number }
export interface HealthPoint { config: string; epoch: number; layer: string; measure: string; fraction: number }
/** One raster per configuration covering [x0, x1] × [y0, y1]; `url` is a PNG data URL. */
export interface BoundaryImage { config: string; x0: number; x1: number; y0: number; y1: number; url: string }
export interface LabelledPoint { config: string; x: number; y: number; label: string }
export interface PredictionPoint { config: string; truth: number; predicted: number }
export interface ConfusionCell { config: string; truth: string; predicted: string; count: number; share: number }
export interface LayerNormPoint { config: string; layer: number; norm: number }

/** Distinct values of a field in first-appearance order: facets, legends and colours follow the caller's order. */
function order<T extends object>(rows: readonly T[], key: keyof T): string[] {
  return [...new Set(rows.map((r) => String(r[key])))];
}

/** Colour by configuration, with the domain pinned so a configuration keeps its colour across charts. */
function configColor(rows: readonly { config: string }[], title = 'configuration', configs = order(rows, 'config')) {
  return { field: 'config', type: 'nominal', title, scale: { domain: configs }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5 } };
}

/** Log axes label only powers of ten, compactly (1e-7 rather than 0.0000001). */
const LOG_AXIS = {
  labelExpr: "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) > 1e-6 ? ''"
    + " : datum.value >= 0.001 && datum.value <= 1000 ? format(datum.value, '~g') : format(datum.value, '.0e')",
};

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 220;
const HEIGHT = 160;
const FONT = { font: 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif' };

function base(title: string): Pick<TopLevelSpec, '$schema' | 'title' | 'config' | 'background'> {
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: 'start', fontSize: 14 },
    background: 'white',
    config: { ...FONT, view: { stroke: '#ddd' }, axis: { gridColor: '#eee', labelFontSize: 10 }, legend: { labelFontSize: 11 } },
  };
}

/** a(s) and a'(s) per activation, one small panel each, evaluated through the registry's own nodes. */
export function activationSpec(rows: ActivationPoint[], columns = 4): TopLevelSpec {
  return {
    ...base("Activations a(s) and their derivatives a'(s), as implemented"),
    data: { values: rows },
    facet: { field: 'activation', type: 'nominal', title: null, sort: order(rows, 'activation') },
    columns,
    spec: {
      width: 160,
      height: 120,
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: {
        x: { field: 's', type: 'quantitative', title: 's' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [-2.5, 3] } },
        color: { field: 'curve', type: 'nominal', title: null, scale: { range: ['#1f77b4', '#ff7f0e'] } },
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
  opts: { yTitle: string; log?: boolean; colorTitle?: string; width?: number; height?: number } = { yTitle: 'value' },
): TopLevelSpec {
  const y = { field: 'mean', type: 'quantitative', title: opts.yTitle, scale: opts.log ? { type: 'log' } : { zero: false }, axis: opts.log ? LOG_AXIS : {} };
  return {
    ...base(title),
    data: { values: rows },
    // A log axis cannot show 0 (a layer whose units all died has no gradient): drop such points,
    // and let a band that reaches 0 start at its mean instead.
    transform: opts.log
      ? [{ filter: 'datum.mean > 0' }, { calculate: 'datum.lo > 0 ? datum.lo : datum.mean', as: 'lo' }]
      : [],
    facet: { field: 'series', type: 'nominal', title: null, sort: order(rows, 'series'), header: order(rows, 'series').length > 1 ? {} : { labels: false } },
    columns: 3,
    spec: {
      width: opts.width ?? WIDTH,
      height: opts.height ?? HEIGHT,
      layer: [
        {
          mark: { type: 'area', fillOpacity: 0.18 },
          encoding: {
            x: { field: 'epoch', type: 'quantitative' },
            y: { ...y, field: 'lo' },
            y2: { field: 'hi' },
            color: configColor(rows, opts.colorTitle),
          },
        },
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
            y,
            color: configColor(rows, opts.colorTitle),
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/**
 * Dead-unit and saturated-unit fractions per hidden layer over training. `configs` pins the
 * colours to the other charts': most activations have neither measure and leave no rows.
 */
export function healthSpec(rows: HealthPoint[], configs?: string[]): TopLevelSpec {
  return {
    ...base('Unit health per hidden layer: dead ReLUs and saturated sigmoid/tanh units'),
    data: { values: rows },
    facet: {
      row: { field: 'measure', type: 'nominal', title: null, sort: order(rows, 'measure') },
      column: { field: 'layer', type: 'nominal', title: null, sort: order(rows, 'layer') },
    },
    spec: {
      width: WIDTH,
      height: 120,
      mark: { type: 'line', strokeWidth: 1.8 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
        y: { field: 'fraction', type: 'quantitative', title: 'fraction of units', scale: { domain: [0, 1] } },
        color: configColor(rows, 'configuration', configs),
      },
    },
  } as TopLevelSpec;
}

/**
 * Model output over the 2-D input plane as a raster (see `probabilityRaster`), with the test
 * points on top: the decision boundary is the pale seam where the colour changes.
 */
export function boundarySpec(
  images: BoundaryImage[],
  points: LabelledPoint[],
  opts: { title?: string; size?: number } = {},
): TopLevelSpec {
  const size = opts.size ?? 200;
  // A facet splits one data set, so images and points travel together and each layer filters its own.
  const values = [
    ...images.map((c) => ({ kind: 'image', ...c })),
    ...points.map((p) => ({ kind: 'point', ...p })),
  ];
  return {
    ...base(opts.title ?? 'Decision boundaries, with the test points (first seed)'),
    data: { values },
    facet: { field: 'config', type: 'nominal', title: null, sort: order(images, 'config') },
    columns: 3,
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
        {
          transform: [{ filter: "datum.kind === 'point'" }],
          mark: { type: 'point', filled: true, size: 18, stroke: 'white', strokeWidth: 0.6, opacity: 1 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
            fill: { field: 'label', type: 'nominal', title: 'true class', scale: { range: PALETTE } },
            shape: { field: 'label', type: 'nominal', title: 'true class' },
          },
        },
      ],
    },
  } as unknown as TopLevelSpec;
}

/** Predicted against true target values; points on the diagonal are perfect predictions. */
export function predictionSpec(rows: PredictionPoint[]): TopLevelSpec {
  return {
    ...base('Predicted vs true on the test set (first seed)'),
    data: { values: rows },
    facet: { field: 'config', type: 'nominal', title: null, sort: order(rows, 'config') },
    columns: 3,
    spec: {
      width: 200,
      height: 200,
      layer: [
        {
          mark: { type: 'point', filled: true, size: 14, opacity: 0.6, color: '#4c78a8' },
          encoding: {
            x: { field: 'truth', type: 'quantitative', title: 'true y', scale: { zero: false } },
            y: { field: 'predicted', type: 'quantitative', title: 'predicted y', scale: { zero: false } },
          },
        },
        {
          mark: { type: 'line', color: '#e45756', strokeDash: [4, 3] },
          encoding: {
            x: { field: 'truth', type: 'quantitative' },
            y: { field: 'truth', type: 'quantitative' },
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Test counts by true and predicted class, one matrix per configuration; the diagonal is right. */
export function confusionSpec(rows: ConfusionCell[]): TopLevelSpec {
  const classes = order(rows, 'truth');
  return {
    ...base('Test predictions by true class (first seed)'),
    data: { values: rows },
    facet: { field: 'config', type: 'nominal', title: null, sort: order(rows, 'config') },
    columns: 3,
    spec: {
      width: 180,
      height: 180,
      encoding: {
        x: { field: 'predicted', type: 'nominal', title: 'predicted', sort: classes, axis: { labelAngle: 0 } },
        y: { field: 'truth', type: 'nominal', title: 'true', sort: classes },
      },
      layer: [
        {
          mark: { type: 'rect' },
          encoding: { color: { field: 'share', type: 'quantitative', title: 'share of row', scale: { domain: [0, 1], scheme: 'blues' } } },
        },
        {
          mark: { type: 'text', fontSize: 13 },
          encoding: {
            text: { field: 'count', type: 'quantitative' },
            color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#222' },
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/**
 * The vanishing-gradient picture: gradient norm of every layer's weights before training
 * (left) and of the first layer through training (right), both on a log scale.
 */
export function deepSpec(profile: LayerNormPoint[], firstLayer: CurvePoint[], depth: number): TopLevelSpec {
  const color = configColor(profile, 'hidden activation');
  return {
    ...base(`Deep narrow network (${depth} hidden layers): gradient norm per layer`),
    hconcat: [
      {
        width: 300,
        height: 220,
        data: { values: profile },
        transform: [{ filter: 'datum.norm > 0' }],
        mark: { type: 'line', point: true, strokeWidth: 1.8 },
        encoding: {
          x: { field: 'layer', type: 'ordinal', title: 'layer (1 = next to the input)' },
          y: { field: 'norm', type: 'quantitative', title: '\u2016\u2202L/\u2202W\u2016 at initialisation', scale: { type: 'log' }, axis: LOG_AXIS },
          color,
        },
      },
      {
        width: 300,
        height: 220,
        data: { values: firstLayer },
        transform: [{ filter: 'datum.mean > 0' }],
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'mean', type: 'quantitative', title: 'first layer \u2016\u2202L/\u2202W\u2016', scale: { type: 'log' }, axis: LOG_AXIS },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}
