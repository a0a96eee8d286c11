import { Tensor, type DType, type FloatArray, type NestedArray } from '@actgrad/tensor';

/** What the data functions accept: a tensor, nested number arrays, or a flat list of numbers. */
export type DataInput = Tensor | NestedArray | ArrayLike<number>;

/** A dense row-major matrix (float32, or float64 for a float64 model) owned by the caller. */
export interface Matrix {
  data: FloatArray;
  rows: number;
  cols: number;
  /** True when the input was one-dimensional (one value per sample). */
  vector: boolean;
}

const arrayOf = (dtype: DType) => (dtype === 'float64' ? Float64Array : Float32Array);

/**
 * Copies `value` into a matrix of `dtype` (default: a tensor's own dtype, float32 for arrays),
 * refusing what training cannot use: an empty set, ragged rows, more than two dimensions, NaN
 * or ±Infinity. Messages start with `where` and name `what` (e.g. `fit: NaN in x at row 3,
 * column 1`). Training passes the model's dtype, so a float64 model sees float64 data.
 */
export function toMatrix(where: string, what: string, value: DataInput, dtype?: DType): Matrix {
  let m: Matrix;
  const dt = dtype ?? (value instanceof Tensor ? value.dtype : 'float32');
  if (value instanceof Tensor) m = fromTensor(where, what, value, dt);
  else if (typeof value === 'number') throw new Error(`${where}: ${what} must hold one row per sample; got a single number`);
  else if (Array.isArray(value)) m = fromNested(where, what, value as NestedArray[], dt);
  else if (value && typeof (value as ArrayLike<number>).length === 'number') {
    const src = value as ArrayLike<number>;
    m = { data: arrayOf(dt).from(src), rows: src.length, cols: 1, vector: true };
  } else throw new Error(`${where}: ${what} must be a Tensor or an array of rows; got ${typeof value}`);
  if (m.rows === 0 || m.cols === 0) throw new Error(`${where}: ${what} is empty (${m.rows} rows × ${m.cols} columns)`);
  assertFinite(where, what, m);
  return m;
}

function fromTensor(where: string, what: string, t: Tensor, dtype: DType): Matrix {
  if (t.ndim === 0 || t.ndim > 2) {
    throw new Error(`${where}: ${what} must be 1-D [n] or 2-D [n, features]; got shape [${t.shape.join(',')}]`);
  }
  const rows = t.shape[0];
  const cols = t.ndim === 2 ? t.shape[1] : 1;
  const data = new (arrayOf(dtype))(rows * cols);
  const c = t.contiguous();
  const src = c.data;
  const off = c.offset;
  for (let i = 0; i < data.length; i++) data[i] = src[off + i];
  return { data, rows, cols, vector: t.ndim === 1 };
}

function fromNested(where: string, what: string, rowsIn: NestedArray[], dtype: DType): Matrix {
  const Arr = arrayOf(dtype);
  const rows = rowsIn.length;
  if (rows === 0) return { data: new Arr(0), rows: 0, cols: 0, vector: false };
  if (!Array.isArray(rowsIn[0])) {
    const data = new Arr(rows);
    for (let i = 0; i < rows; i++) {
      const v = rowsIn[i];
      if (typeof v !== 'number') throw new Error(`${where}: ${what} mixes numbers and rows (entry ${i} is not a number)`);
      data[i] = v;
    }
    return { data, rows, cols: 1, vector: true };
  }
  const cols = (rowsIn[0] as NestedArray[]).length;
  const data = new Arr(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = rowsIn[i];
    if (!Array.isArray(row)) throw new Error(`${where}: ${what} row ${i} is not an array`);
    if (row.length !== cols) throw new Error(`${where}: ${what} row ${i} has ${row.length} values but row 0 has ${cols} (ragged rows)`);
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== 'number') throw new Error(`${where}: ${what} at row ${i}, column ${j} is not a number`);
      data[i * cols + j] = v;
    }
  }
  return { data, rows, cols, vector: false };
}

function assertFinite(where: string, what: string, m: Matrix): void {
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) {
      const kind = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      throw new Error(`${where}: ${kind} in ${what} at row ${Math.floor(i / m.cols)}, column ${i % m.cols}`);
    }
  }
}

/** Refuses x and y of different lengths: `fit: x has 100 rows but y has 99`. */
export function assertSameRows(where: string, x: Matrix, y: Matrix, xName = 'x', yName = 'y'): void {
  if (x.rows !== y.rows) throw new Error(`${where}: ${xName} has ${x.rows} rows but ${yName} has ${y.rows}`);
}
