import { empty, keep, type DType, type FloatArray, type Tensor } from '@actgrad/tensor';
import { identityPermutation, makeRng, shuffleInPlace } from '../random.js';
import { toMatrix, assertSameRows, type DataInput, type Matrix } from '../data/validate.js';
import type { Loss } from '../losses.js';
import { checkPairing, type PairingIssue } from '../pairing.js';
import { probeOutputWidth, type ModelInfo } from './model-info.js';

/** Data checked against a model and loss, as flat rows in the model's dtype. */
export interface Prepared {
  x: Matrix;
  y: Matrix;
  /** Class labels (one per row) rather than dense targets or one-hot rows. */
  labels: boolean;
  /** The model's output width, as a forward pass on the first row showed it. */
  outFeatures: number;
}

/**
 * Validates `data` for a model and `loss` before any training: non-empty, no NaN/Infinity, no
 * ragged rows, as many targets as samples, the model's input width, and the pairing table.
 * Throws on the first error; returns warnings for the caller to report. With `heldOut`
 * (evaluation), targets outside a bounded output's range are a warning, not an error.
 */
export function prepare(
  where: string,
  info: ModelInfo,
  loss: Loss,
  data: { x: DataInput; y: DataInput },
  names = { x: 'x', y: 'y' },
  opts: { heldOut?: boolean } = {},
): { prepared: Prepared; warnings: PairingIssue[] } {
  if (!data || typeof data !== 'object') throw new Error(`${where}: data must be { x, y }`);
  const x = toMatrix(where, names.x, data.x, info.dtype);
  const y = toMatrix(where, names.y, data.y, info.dtype);
  assertSameRows(where, x, y, names.x, names.y);
  const outFeatures = probeOutputWidth(where, info, x, names.x);
  const issues = checkPairing(info.outputActivation, outFeatures, loss, y, { heldOut: opts.heldOut, model: info.name });
  const firstError = issues.find((i) => i.level === 'error');
  if (firstError) throw new Error(`${where}: ${firstError.message}`);
  const labels = loss.targetKind === 'classes' && y.cols === 1;
  return { prepared: { x, y, labels, outFeatures }, warnings: issues.filter((i) => i.level === 'warning') };
}

/** Splits off a seeded `fraction` of the rows as validation data: `[train, validation]`. */
export function splitOff(p: Prepared, fraction: number, seed: string | number | undefined): [Prepared, Prepared] {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`fit: validation fraction must be in (0, 1); got ${fraction}`);
  const n = p.x.rows;
  const nVal = Math.round(n * fraction);
  if (nVal < 1 || nVal >= n) throw new Error(`fit: validation fraction ${fraction} of ${n} rows leaves an empty part`);
  const perm = shuffleInPlace(identityPermutation(n), makeRng(`${seed ?? 42}:validation`));
  const take = (idx: Int32Array): Prepared => {
    const pick = (m: Prepared['x']) => {
      const data = m.data instanceof Float64Array ? new Float64Array(idx.length * m.cols) : new Float32Array(idx.length * m.cols);
      for (let i = 0; i < idx.length; i++) data.set(m.data.subarray(idx[i] * m.cols, (idx[i] + 1) * m.cols), i * m.cols);
      return { ...m, data, rows: idx.length };
    };
    return { x: pick(p.x), y: pick(p.y), labels: p.labels, outFeatures: p.outFeatures };
  };
  return [take(perm.subarray(nVal)), take(perm.subarray(0, nVal))];
}

/** One batch size's reused buffers and the tensors that wrap them. */
interface Slot {
  xBuf: FloatArray;
  yBuf: FloatArray;
  x: Tensor;
  y: Tensor;
}

/**
 * Copies rows (by index) into reused buffers: one pair for full batches, one for the smaller
 * last batch, so an epoch allocates nothing. The tensors it returns are overwritten by the
 * next call with the same batch size.
 */
export class BatchGatherer {
  private readonly slots = new Map<number, Slot>();

  constructor(private readonly data: Prepared, private readonly dtype: DType) {}

  private slot(rows: number): Slot {
    let s = this.slots.get(rows);
    if (!s) {
      const { x, y, labels } = this.data;
      // Backend storage, kept: the first matmul reads the batch in place (see Linear).
      const xt = keep(empty([rows, x.cols], this.dtype));
      const yt = keep(empty(labels ? [rows] : [rows, y.cols], this.dtype));
      s = { xBuf: xt.data, yBuf: yt.data, x: xt, y: yt };
      this.slots.set(rows, s);
    }
    return s;
  }

  /** The rows `order[start … start + rows)` as `[x, y]` tensors. */
  gather(order: Int32Array, start: number, rows: number): Slot {
    const s = this.slot(rows);
    const { x, y } = this.data;
    const xc = x.cols;
    const yc = y.cols;
    const xs = x.data;
    const ys = y.data;
    const xb = s.xBuf;
    const yb = s.yBuf;
    for (let r = 0; r < rows; r++) {
      const src = order[start + r];
      for (let k = 0; k < xc; k++) xb[r * xc + k] = xs[src * xc + k];
      for (let k = 0; k < yc; k++) yb[r * yc + k] = ys[src * yc + k];
    }
    return s;
  }
}
