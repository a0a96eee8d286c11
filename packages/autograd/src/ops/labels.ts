import { Tensor } from '@actgrad/tensor';

/**
 * Integer class labels as a strided read-only sequence: label i is `data[offset + i·stride]`.
 * Accepts a 1-D tensor (no copy), an Int32Array or a plain array, so a training loop need not
 * allocate a fresh typed array per batch.
 */
export interface Labels {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly stride: number;
  readonly length: number;
}

/** What `pick` and the cross-entropy ops take as labels. */
export type LabelsLike = Tensor | ArrayLike<number>;

/** Validates labels once, at the API boundary: integers in [0, classes), one per row. */
export function toLabels(op: string, labels: LabelsLike, rows: number, classes: number): Labels {
  let view: Labels;
  if (labels instanceof Tensor) {
    if (labels.ndim !== 1) throw new Error(`${op}: labels must be 1-D, got shape [${labels.shape.join(',')}]`);
    view = { data: labels.data, offset: labels.offset, stride: labels.strides[0], length: labels.shape[0] };
  } else if (labels !== null && typeof labels === 'object' && typeof labels.length === 'number') {
    view = { data: labels, offset: 0, stride: 1, length: labels.length };
  } else {
    throw new TypeError(`${op}: labels must be a 1-D tensor or an array of integers`);
  }
  if (view.length !== rows) {
    throw new Error(`${op}: ${view.length} labels for ${rows} rows`);
  }
  for (let i = 0; i < view.length; i++) {
    const y = view.data[view.offset + i * view.stride];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new RangeError(`${op}: label ${y} at row ${i} is not an integer class in [0, ${classes})`);
    }
  }
  return view;
}
