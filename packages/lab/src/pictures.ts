import { predict, type Sequential } from '@actgrad/nn';
import { tensor } from '@actgrad/tensor';
import type { LabResult, RunPicture } from './lab/types.js';
import type { TaskData, TaskDef } from './tasks.js';

/** What the pages draw of a trained model: its decision boundary, or its test predictions. */

/** Cells per side of the decision-boundary raster. */
const GRID = 96;

/** Bounds of the inputs, padded by 10%, for the boundary raster. */
function bounds(data: TaskData): [number, number, number, number] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const part of [data.train.x, data.test.x]) {
    const c = part.contiguous();
    for (let i = 0; i < c.shape[0]!; i++) {
      const a = c.data[c.offset + 2 * i]!;
      const b = c.data[c.offset + 2 * i + 1]!;
      x0 = Math.min(x0, a); x1 = Math.max(x1, a); y0 = Math.min(y0, b); y1 = Math.max(y1, b);
    }
  }
  const px = 0.1 * (x1 - x0), py = 0.1 * (y1 - y0);
  return [x0 - px, x1 + px, y0 - py, y1 + py];
}

/**
 * The model's class probabilities over a grid of the input plane, row 0 at the top. Outputs that
 * are not probabilities (a tanh in [−1, 1], scores trained with squared error) are mapped into
 * [0, 1] so every configuration is drawn on the same scale.
 */
export function boundaryGrid(model: Sequential, data: TaskData, output: string): NonNullable<RunPicture['grid']> {
  const [x0, x1, y0, y1] = bounds(data);
  const points = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      points[2 * i] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
      points[2 * i + 1] = y1 - ((r + 0.5) / GRID) * (y1 - y0);
    }
  }
  const pred = predict(model, tensor(points, { shape: [GRID * GRID, 2] })).contiguous();
  const probs = new Float32Array(pred.size);
  for (let i = 0; i < pred.size; i++) {
    const v = pred.data[pred.offset + i]!;
    probs[i] = Math.min(1, Math.max(0, output === 'tanh' && data.outputs === 1 ? (v + 1) / 2 : v));
  }
  return { x0, x1, y0, y1, width: GRID, height: GRID, probs, classes: data.outputs === 1 ? 2 : data.outputs };
}

export function testPoints(task: TaskDef, data: TaskData): LabResult['testPoints'] {
  if (data.inputs !== 2 || task.kind === 'regression') return undefined;
  const x = data.test.x.contiguous();
  const y = data.test.y.contiguous();
  const out: NonNullable<LabResult['testPoints']> = [];
  for (let i = 0; i < y.size; i++) {
    const label = y.data[y.offset + i]!;
    out.push({ x: x.data[x.offset + 2 * i]!, y: x.data[x.offset + 2 * i + 1]!, label: data.classes?.[label] ?? String(label), cls: label });
  }
  return out;
}

/** Predicted class of every test point: argmax, or P(class 1) ≥ 0.5 (tanh ≥ 0) for one output. */
export function predictedClasses(model: Sequential, data: TaskData, output: string): Uint8Array {
  const p = predict(model, data.test.x).contiguous();
  const n = data.test.x.shape[0]!;
  const k = data.outputs;
  const out = new Uint8Array(n);
  const cut = output === 'tanh' ? 0 : 0.5;
  for (let i = 0; i < n; i++) {
    if (k === 1) out[i] = p.data[p.offset + i]! >= cut ? 1 : 0;
    else {
      let cls = 0;
      for (let c = 1; c < k; c++) if (p.data[p.offset + i * k + c]! > p.data[p.offset + i * k + cls]!) cls = c;
      out[i] = cls;
    }
  }
  return out;
}

export function picture(task: TaskDef, data: TaskData, config: string, model: Sequential, output: string, activation = config): RunPicture {
  const id = { config, activation, output };
  if (data.inputs === 2 && task.kind !== 'regression') {
    return { ...id, grid: boundaryGrid(model, data, output), predictedTest: predictedClasses(model, data, output) };
  }
  if (task.kind === 'regression') {
    const p = predict(model, data.test.x).contiguous();
    const y = data.test.y.contiguous();
    return {
      ...id,
      predictions: { truth: Float32Array.from(y.data.subarray(y.offset, y.offset + y.size)), predicted: Float32Array.from(p.data.subarray(p.offset, p.offset + p.size)) },
    };
  }
  return { ...id, confusion: confusion(model, data) };
}

/** Test counts by true class (rows) and predicted class (columns): argmax, or 0.5 for one output. */
function confusion(model: Sequential, data: TaskData): NonNullable<RunPicture['confusion']> {
  const k = data.outputs === 1 ? 2 : data.outputs;
  const classes = data.classes ?? Array.from({ length: k }, (_, i) => String(i));
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const p = predict(model, data.test.x).contiguous();
  const y = data.test.y.contiguous();
  for (let i = 0; i < y.size; i++) {
    let cls = 0;
    if (data.outputs === 1) cls = p.data[p.offset + i]! >= 0.5 ? 1 : 0;
    else for (let c = 1; c < k; c++) if (p.data[p.offset + i * k + c]! > p.data[p.offset + i * k + cls]!) cls = c;
    counts[y.data[y.offset + i]!]![cls]!++;
  }
  return { classes, counts };
}

