import { formatValue, primaryMetric, type Results, type ResultRow } from './report.js';
import { workloadIds, type WorkloadId } from './spec.js';

/**
 * The results as one self-contained HTML page of SVG bar charts: the median of each runner on
 * each workload's headline figure, a whisker from the slowest to the fastest process. Drawn
 * here, not by a chart library, so the page opens offline (benny's charts load Chart.js from a
 * CDN and are blank without network) and diffs stay readable.
 */

const BAR = 18;
const GAP = 8;
const LABEL = 190;
const PLOT = 420;
const VALUE = 110;
const WIDTH = LABEL + PLOT + VALUE;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One horizontal bar chart: one bar per (runner, case), longest = fastest. Log-free: ratios read off the lengths. */
export function barChartSvg(title: string, rows: readonly ResultRow[], reference: string): string {
  const top = 28;
  const max = Math.max(...rows.map((r) => (Number.isFinite(r.max) ? r.max : r.median)), 1e-12);
  const x = (v: number) => LABEL + (PLOT * Math.max(0, v)) / max;
  const height = top + rows.length * (BAR + GAP) + 6;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<text x="0" y="16" font-size="13" font-weight="600">${escape(title)}</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * (BAR + GAP);
    const isRef = r.runner === reference;
    const name = `${r.label}${r.case ? ` ${r.case}` : ''}`;
    parts.push(
      `<text x="${LABEL - 8}" y="${y + BAR / 2 + 4}" text-anchor="end">${escape(name)}</text>`,
      `<rect x="${LABEL}" y="${y}" width="${(x(r.median) - LABEL).toFixed(1)}" height="${BAR}" fill="${isRef ? '#e07b1a' : '#3b6ea8'}"><title>${escape(`${name}: median ${formatValue(r.metric, r.median)}, min ${formatValue(r.metric, r.min)}, max ${formatValue(r.metric, r.max)}`)}</title></rect>`,
    );
    if (Number.isFinite(r.min) && Number.isFinite(r.max) && r.max > r.min) {
      const cy = y + BAR / 2;
      parts.push(`<path d="M${x(r.min).toFixed(1)},${cy}H${x(r.max).toFixed(1)}M${x(r.min).toFixed(1)},${cy - 4}V${cy + 4}M${x(r.max).toFixed(1)},${cy - 4}V${cy + 4}" stroke="#222" stroke-width="1"/>`);
    }
    parts.push(`<text x="${Math.max(x(r.max), x(r.median)) + 6}" y="${y + BAR / 2 + 4}">${escape(formatValue(r.metric, r.median))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Each workload's headline figure, one chart per workload that ran. */
export function chartsFor(results: Results): { workload: WorkloadId; svg: string }[] {
  const out: { workload: WorkloadId; svg: string }[] = [];
  for (const id of workloadIds) {
    const rows = results.rows.filter((r) => r.workload === id && r.metric === primaryMetric[id]);
    if (rows.length === 0) continue;
    const unit = { w1: 'steps/s', w2: 'steps/s', w3: 'GFLOP/s', w4: 'M elements/s' }[id];
    out.push({ workload: id, svg: barChartSvg(`${id.toUpperCase()}: ${unit}, median over fresh processes (whisker: min–max)`, rows, results.reference) });
  }
  return out;
}

/** A page with the charts and the Markdown report beside them, no script and no outside resource. */
export function resultsHtml(results: Results, markdown: string): string {
  const charts = chartsFor(results).map((c) => `<figure>${c.svg}</figure>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>actgrad benchmarks ${escape(results.date.slice(0, 10))}</title>
<style>body { font: 14px/1.45 system-ui, sans-serif; max-width: 760px; margin: 1.5rem auto; padding: 0 1rem; color: #222; }
figure { margin: 0 0 1.25rem; } svg { max-width: 100%; height: auto; } pre { white-space: pre-wrap; font-size: 12px; background: #f6f6f6; padding: .75rem; }</style>
</head><body>
<h1>actgrad benchmarks (${escape(results.mode)}), ${escape(results.date.slice(0, 16).replace('T', ' '))} UTC</h1>
<p>${escape(`${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.os}, Node ${results.machine.node}. Command: ${results.command}.`)}</p>
<p>Orange: ${escape(results.reference)}, the runner the ratios are taken against.</p>
${charts}
<h2>Tables</h2>
<pre>${escape(markdown)}</pre>
</body></html>
`;
}
