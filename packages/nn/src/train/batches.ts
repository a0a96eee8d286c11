import { empty, keep, type DType, type FloatArray, type Tensor } from '@actgrad/tensor';
import { toMatrix, assertSameRows, type DataInput, type Matrix } from '../data/validate.js';
import type { Loss } from '../losses.js';
import { checkPairing, type PairingIssue } from '../pairing.js';
import type { Sequential } from '../sequential.js';

/** Data checked against a model and loss, as flat float32 rows. */
export interface Prepared {
  x: Matrix;
  y: Matrix;
  /** Class labels (one per row) rather than dense targets or one-hot rows. */
  labels: boolean;
}

/**
 * Validates `data` for `model` and `loss` before any training: non-empty, no NaN/Infinity, no
 * ragged rows, as many targets as samples, the model's input width, and the pairing table.
 * Throws on the first error; returns warnings for the caller to report.
 */
export function prepare(where: string, model: Sequential, loss: Loss, data: { x: DataInput; y: DataInput }, names = { x: 'x', y: 'y' }): { prepared: Prepared; warnings: PairingIssue[] } {
  if (!data || typeof data !== 'object') throw new Error(`${where}: data must be { x, y }`);
  const x = toMatrix(where, names.x, data.x);
  const y = toMatrix(where, names.y, data.y);
  assertSameRows(where, x, y, names.x, names.y);
  if (x.cols !== model.inFeatures) {
    throw new Error(`${where}: ${names.x} has ${x.cols} features per row but the model expects ${model.inFeatures}`);
  }
  const issues = checkPairing(model.outputActivation, model.outFeatures, loss, y);
  const firstError = issues.find((i) => i.level === 'error');
  if (firstError) throw new Error(`${where}: ${firstError.message}`);
  const labels = loss.targetKind === 'classes' && y.cols === 1;
  return { prepared: { x, y, labels }, warnings: issues.filter((i) => i.level === 'warning') };
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
