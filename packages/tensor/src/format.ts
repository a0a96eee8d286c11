import type { Tensor } from './tensor.js';

const SUMMARY_THRESHOLD = 1000;
const EDGE = 3;

/**
 * `tensor([[1, 2], [3, 4]], dtype=float32, shape=[2,2])`. Tensors above 1000 elements show
 * only the first and last three entries of each axis.
 */
export function formatTensor(t: Tensor): string {
  const summarize = t.size > SUMMARY_THRESHOLD;
  const values: number[] = [];
  collect(t, 0, t.offset, summarize, values);
  const fmt = numberFormat(values);
  const width = values.reduce((w, v) => Math.max(w, fmt(v).length), 0);
  const indent = 'tensor('.length;
  const body = render(t, 0, t.offset, summarize, (v) => fmt(v).padStart(width), indent);
  return `tensor(${body}, dtype=${t.dtype}, shape=[${t.shape.join(',')}])`;
}

function indices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, -1, n - 3, n - 2, n - 1];
}

function collect(t: Tensor, d: number, off: number, summarize: boolean, out: number[]): void {
  if (d === t.ndim) {
    out.push(t.data[off]!);
    return;
  }
  for (const i of indices(t.shape[d]!, summarize)) {
    if (i >= 0) collect(t, d + 1, off + i * t.strides[d]!, summarize, out);
  }
}

function render(t: Tensor, d: number, off: number, summarize: boolean, fmt: (v: number) => string, indent: number): string {
  if (d === t.ndim) return fmt(t.data[off]!);
  const parts = indices(t.shape[d]!, summarize).map((i) =>
    i < 0 ? '...' : render(t, d + 1, off + i * t.strides[d]!, summarize, fmt, indent + 1),
  );
  if (d === t.ndim - 1) return `[${parts.join(', ')}]`;
  const sep = ',' + '\n'.repeat(t.ndim - d - 1) + ' '.repeat(indent + 1);
  return `[${parts.join(sep)}]`;
}

function numberFormat(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const integral = finite.every((v) => Number.isInteger(v));
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minAbs = finite.reduce((m, v) => (v !== 0 ? Math.min(m, Math.abs(v)) : m), Infinity);
  const scientific = !integral && (maxAbs >= 1e6 || minAbs < 1e-4);
  return (v) => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (integral && maxAbs < 1e16) return String(v);
    return scientific ? v.toExponential(4) : v.toFixed(4);
  };
}
