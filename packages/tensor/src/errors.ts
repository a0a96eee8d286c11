/** `[2,3]`: the shape notation every error message uses. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws `Error("<op>: <message>")`: errors name the public function that refused the input. */
export function fail(op: string, message: string): never {
  throw new Error(`${op}: ${message}`);
}

export function failRange(op: string, message: string): never {
  throw new RangeError(`${op}: ${message}`);
}

export function failType(op: string, message: string): never {
  throw new TypeError(`${op}: ${message}`);
}

/** Normalises a possibly negative axis, refusing one outside `[-ndim, ndim)`. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) failType(op, `axis must be an integer, got ${axis}`);
  if (axis < -ndim || axis >= ndim) {
    failRange(op, `axis ${axis} out of range for a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalises an axis list (undefined: all axes), refusing duplicates; returns them sorted. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out: number[] = [];
  for (const a of list) {
    const n = normalizeAxis(op, a, ndim);
    if (out.includes(n)) fail(op, `axis ${a} given twice`);
    out.push(n);
  }
  return out.sort((x, y) => x - y);
}

export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) failType(op, `shape must be an array of integers, got ${String(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) {
      failType(op, `shape ${fmtShape(shape)} has an invalid size ${d} at axis ${i} (sizes are integers >= 0)`);
    }
  }
  return shape.slice();
}
