import type { TopLevelSpec } from 'vega-lite';
import { fullRows, type ColorScale, type ConfusionCell, type CurvePoint, type LayerNormPoint, type PredictionPoint } from './charts.js';

/** Charts of trained models' results: predictions, confusion counts and the deep network's gradients. */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = { font: 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif' };

function base(title: string): Pick<TopLevelSpec, '$schema' | 'title' | 'config' | 'background'> {
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: 'start', fontSize: 13 },
    background: 'white',
    config: { ...FONT, view: { stroke: '#ddd' }, axis: { gridColor: '#eee', labelFontSize: 10 }, legend: { labelFontSize: 11, orient: 'bottom', direction: 'horizontal' } },
  };
}

function order<T extends object>(rows: readonly T[], key: keyof T): string[] {
  return [...new Set(rows.map((r) => String(r[key])))];
}

const LOG_AXIS = {
  labelExpr: "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) > 1e-6 ? ''"
    + " : datum.value >= 0.001 && datum.value <= 1000 ? format(datum.value, '~g') : format(datum.value, '.0e')",
};

/** Predicted against true target values, in each configuration's colour; the dashed diagonal is a perfect fit. */
export function predictionSpec(rows: PredictionPoint[], colors: ColorScale): TopLevelSpec {
  return {
    ...base('Predicted vs true on the test set (first seed)'),
    data: { values: rows },
    facet: { field: 'config', type: 'nominal', title: null, sort: order(rows, 'config') },
    columns: fullRows(order(rows, 'config').length),
    resolve: { axis: { x: 'independent', y: 'independent' } },
    spec: {
      width: 180,
      height: 180,
      layer: [
        {
          mark: { type: 'point', filled: true, size: 14, opacity: 0.6 },
          encoding: {
            x: { field: 'truth', type: 'quantitative', title: 'true y', scale: { zero: false } },
            y: { field: 'predicted', type: 'quantitative', title: 'predicted y', scale: { zero: false } },
            color: { field: 'activation', type: 'nominal', scale: colors, legend: null },
          },
        },
        {
          mark: { type: 'line', color: '#444', strokeDash: [4, 3] },
          encoding: { x: { field: 'truth', type: 'quantitative' }, y: { field: 'truth', type: 'quantitative' } },
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
    columns: fullRows(order(rows, 'config').length),
    resolve: { axis: { x: 'independent', y: 'independent' } },
    spec: {
      width: 160,
      height: 160,
      encoding: {
        x: { field: 'predicted', type: 'nominal', title: 'predicted', sort: classes, axis: { labelAngle: 0 } },
        y: { field: 'truth', type: 'nominal', title: 'true', sort: classes },
      },
      layer: [
        { mark: { type: 'rect' }, encoding: { color: { field: 'share', type: 'quantitative', title: 'share of row', scale: { domain: [0, 1], scheme: 'blues' } } } },
        {
          mark: { type: 'text', fontSize: 13 },
          encoding: { text: { field: 'count', type: 'quantitative' }, color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#222' } },
        },
      ],
    },
  } as TopLevelSpec;
}

/**
 * The vanishing-gradient picture: gradient norm of every layer's weights before training
 * (left) and of the first layer through training (right), both on a log scale.
 */
export function deepSpec(profile: LayerNormPoint[], firstLayer: CurvePoint[], depth: number, colors: ColorScale): TopLevelSpec {
  const color = { field: 'config', type: 'nominal', title: 'hidden activation', scale: colors, legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5 } };
  return {
    ...base(`Gradient norm per layer, ${depth} hidden layers`),
    hconcat: [
      {
        width: 250,
        height: 200,
        data: { values: profile },
        transform: [{ filter: 'datum.norm > 0' }],
        mark: { type: 'line', point: true, strokeWidth: 1.8 },
        encoding: {
          x: { field: 'layer', type: 'ordinal', title: 'layer (1 = next to the input)', axis: { labelAngle: 0 } },
          y: { field: 'norm', type: 'quantitative', title: '\u2016\u2202L/\u2202W\u2016 at initialisation', scale: { type: 'log' }, axis: LOG_AXIS },
          color,
        },
      },
      {
        width: 250,
        height: 200,
        data: { values: firstLayer },
        transform: [{ filter: 'datum.mean > 0' }],
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
          y: { field: 'mean', type: 'quantitative', title: 'first layer \u2016\u2202L/\u2202W\u2016', scale: { type: 'log' }, axis: LOG_AXIS },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}
