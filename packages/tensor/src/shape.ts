/** Row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Whether two shapes are equal, axis by axis. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether `part` is `shape` with some leading axes dropped (leading 1s of `part` ignored), so a
 * contiguous `part` repeats whole over the rows of a contiguous `shape`.
 */
export function isTrailing(part: readonly number[], shape: readonly number[]): boolean {
  let start = 0;
  while (start < part.length && part[start] === 1) start++;
  const len = part.length - start;
  if (len > shape.length) return false;
  for (let i = 0; i < len; i++) if (part[start + i] !== shape[shape.length - len + i]) return false;
  return true;
}

/**
 * Merges adjacent axes that every operand walks as one (stride[d] = stride[d+1]·shape[d+1])
 * and drops axes of size 1, so a contiguous operand becomes one long row and loops run long.
 * Always returns at least one axis.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  if (sizeOf(shape) === 0) return { shape: [0], strides: strides.map(() => [1]) };
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let p = 0; merge && p < strides.length; p++) {
      if (outStrides[p]![last] !== strides[p]![d]! * n) merge = false;
    }
    if (merge) {
      outShape[last] = outShape[last]! * n;
      for (let p = 0; p < strides.length; p++) outStrides[p]![last] = strides[p]![d]!;
    } else {
      outShape.push(n);
      for (let p = 0; p < strides.length; p++) outStrides[p]!.push(strides[p]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let p = 0; p < strides.length; p++) outStrides[p]!.push(1);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Walks the rows (all axes but the last) of a coalesced iteration space, keeping one running
 * offset per operand, so loops never recompute `offset + Σ stride·index` per element.
 */
export class RowWalker {
  readonly rows: number;
  readonly rowLength: number;
  readonly offsets: number[];
  private readonly index: number[];
  private readonly outer: number[];
  private readonly strides: number[][];

  constructor(shape: readonly number[], strides: number[][], offsets: readonly number[]) {
    const nd = shape.length;
    this.rowLength = shape[nd - 1]!;
    this.outer = shape.slice(0, nd - 1);
    this.rows = sizeOf(this.outer);
    this.strides = strides;
    this.offsets = offsets.slice();
    this.index = new Array<number>(nd - 1).fill(0);
  }

  /** Moves every operand's offset to the next row. */
  next(): void {
    const offsets = this.offsets;
    const np = offsets.length;
    for (let d = this.outer.length - 1; d >= 0; d--) {
      const i = ++this.index[d]!;
      if (i < this.outer[d]!) {
        for (let p = 0; p < np; p++) offsets[p] = offsets[p]! + this.strides[p]![d]!;
        return;
      }
      this.index[d] = 0;
      for (let p = 0; p < np; p++) offsets[p] = offsets[p]! - this.strides[p]![d]! * (i - 1);
    }
  }
}

/**
 * Calls `row(n, offsets, innerStrides)` once per row of the coalesced iteration space of
 * `shape`; operand p's element i of the row is at `offsets[p] + i * innerStrides[p]`.
 * The callback runs per row, never per element.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (n: number, offsets: readonly number[], inner: readonly number[]) => void,
): void {
  const c = coalesce(shape, strides);
  const nd = c.shape.length;
  const n = c.shape[nd - 1]!;
  if (n === 0) return;
  const inner = c.strides.map((s) => s[nd - 1]!);
  const walker = new RowWalker(c.shape, c.strides, offsets);
  for (let r = 0; r < walker.rows; r++) {
    row(n, walker.offsets, inner);
    walker.next();
  }
}
