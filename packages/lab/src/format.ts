/** Plain-text tables and number formats shared by the example and the lab. */

/** Aligns columns; numbers-looking cells align right. The first row is the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const numeric = /^[-+−]?[\d.]+(e[-+]?\d+)?%?( ± [\d.]+%?)?( \(\d+\/\d+\))?$/;
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (numeric.test(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

/** A metric as people read it: accuracy in percent, R² and losses with 4 significant digits. */
export function formatMetric(metric: 'accuracy' | 'r2', value: number): string {
  return metric === 'accuracy' ? `${(value * 100).toFixed(1)}%` : value.toFixed(4);
}

export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 0.001 || value === 0 ? value.toFixed(4) : value.toExponential(2);
}

export function formatSeconds(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

/** `mean ± std` with the given formatter; a single value has no ± part. */
export function formatMeanStd(m: MeanStd, format: (v: number) => string): string {
  if (m.n === 0) return '—';
  const mean = format(m.mean);
  if (m.n === 1) return mean;
  // The std takes the mean's decimals: "0.0466 ± 0.0009", not "0.0466 ± 8.65e-4".
  const fixed = /^[-−]?\d+\.(\d+)$/.exec(mean);
  return `${mean} ± ${fixed ? m.std.toFixed(fixed[1]!.length) : format(m.std)}`;
}
