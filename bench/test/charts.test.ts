import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { barChartSvg, resultsHtml } from '../src/charts.js';
import { toMarkdown, type Results, type ResultRow } from '../src/report.js';

const here = dirname(fileURLToPath(import.meta.url));

function row(runner: string, median: number, min = median, max = median): ResultRow {
  return { workload: 'w1', case: '', metric: 'steps_per_s', runner, label: runner, backend: 'x', median, min, max, values: [median] };
}

describe('bench charts', () => {
  it('draws bars in proportion to the medians, with min–max whiskers', () => {
    const svg = barChartSvg('W1', [row('a', 100, 80, 200), row('b', 50)], 'a');
    const widths = [...svg.matchAll(/<rect x="190" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]! / widths[1]!).toBeCloseTo(2, 6);
    expect(widths[0]).toBeCloseTo(420 * (100 / 200), 1); // the axis ends at the fastest process
    expect(svg.match(/<path /g)).toHaveLength(1); // b ran once: no whisker
    expect(svg).toContain('fill="#e07b1a"'); // the reference runner stands out
  });

  it('renders the saved full results as a page that needs no network', () => {
    const results = JSON.parse(readFileSync(resolve(here, '../results/full.json'), 'utf8')) as Results;
    const html = resultsHtml(results, toMarkdown(results));
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http|@import/);
    expect(html.match(/<svg /g)).toHaveLength(4); // one chart per workload
    expect(readFileSync(resolve(here, '../results/full.html'), 'utf8')).toBe(html); // the committed page is this render
  });

  it('writes into bench/results/ only with --save', () => {
    expect(parseArgs([]).save).toBe(false);
    expect(parseArgs(['--full', '--save']).save).toBe(true);
  });
});
