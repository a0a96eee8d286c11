import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { meanStd, formatMeanStd, formatTable } from '../src/format.js';
import { bandCurves, firstEpochReaching, summarize } from '../src/lab/aggregate.js';
import type { EpochRecord, RunRecord } from '../src/lab/types.js';
import { activationSpec, bandCurveSpec } from '../src/report/charts.js';
import { buildPage, escapeHtml } from '../src/report/html.js';
import { encodePng, probabilityRaster } from '../src/report/png.js';
import { renderSvg } from '../src/report/render.js';

function epoch(e: number, loss: number, metric: number): EpochRecord {
  return { epoch: e, trainLoss: loss, testLoss: loss * 2, metric, gradNorms: [1, 2], dead: [0], saturated: [0] };
}

function run(config: string, seed: number, metrics: number[]): RunRecord {
  const history = metrics.map((m, i) => epoch(i + 1, 1 / (i + 1) + seed, m));
  const last = history.at(-1)!;
  return {
    config, hidden: [config], output: 'sigmoid', seed, history, initialGradNorms: [1, 2], trainLoss: last.trainLoss, testLoss: last.testLoss,
    metric: last.metric, epochsToThreshold: firstEpochReaching(history, 0.9), seconds: seed,
  };
}

describe('lab aggregation', () => {
  it('computes mean and sample std', () => {
    const m = meanStd([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(meanStd([7]).std).toBe(0);
    expect(formatMeanStd(meanStd([1, 3]), (v) => v.toFixed(1))).toBe('2.0 ± 1.4');
  });

  it('summarises per configuration over seeds, counting seeds that reached the threshold', () => {
    const runs = [run('relu', 0, [0.5, 0.95]), run('relu', 1, [0.92, 0.97]), run('tanh', 0, [0.5, 0.6]), run('tanh', 1, [0.5, 0.91])];
    const [relu, tanh] = summarize(runs);
    expect(relu!.config).toBe('relu');
    expect(relu!.metric.mean).toBeCloseTo(0.96, 12);
    expect(relu!.epochsToThreshold.mean).toBe(1.5);
    expect(relu!.reached).toBe(2);
    expect(tanh!.reached).toBe(1);
    expect(tanh!.epochsToThreshold.mean).toBe(2);
    expect(tanh!.trainLoss.mean).toBeCloseTo((0.5 + 1.5) / 2, 12);
  });

  it('builds band curves: mean with min and max over seeds per epoch', () => {
    const runs = [run('relu', 0, [0.5, 0.95]), run('relu', 1, [0.92, 0.97])];
    const pts = bandCurves(runs, (e) => ({ train: e.trainLoss }));
    expect(pts).toEqual([
      { config: 'relu', series: 'train', epoch: 1, mean: 1.5, lo: 1, hi: 2 },
      { config: 'relu', series: 'train', epoch: 2, mean: 1, lo: 0.5, hi: 1.5 },
    ]);
  });
});

describe('report building blocks', () => {
  it('aligns text tables', () => {
    expect(formatTable([['name', 'acc'], ['relu', '97.0%'], ['sigmoid', '5.0%']])).toBe(
      ['name     acc', '───────  ─────', 'relu     97.0%', 'sigmoid   5.0%'].join('\n'),
    );
  });

  it('encodes a PNG whose pixels decode back', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 9, 9, 9, 255]);
    const png = encodePng(2, 2, rgba);
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const idat = png.indexOf('IDAT');
    const len = png.readUInt32BE(idat - 4);
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + len));
    expect([...raw]).toEqual([0, ...rgba.subarray(0, 8), 0, ...rgba.subarray(8)]);
  });

  it('colours a raster by the most likely class, paler near the boundary', () => {
    const px = probabilityRaster(3, 1, [0, 0.5, 1], 2);
    expect([...px.subarray(4, 7)].every((v) => v > 200)).toBe(true); // p = 0.5: nearly white
    expect(px[0]! < px[8]!).toBe(true); // class 0 blue (low red), class 1 orange (high red)
  });

  it('renders a Vega-Lite spec to standalone SVG with ids unique per chart', async () => {
    const rows = [-1, 0, 1].flatMap((s) => [
      { activation: 'relu', s, curve: 'a(s)', value: Math.max(0, s) },
      { activation: 'relu', s, curve: "a'(s)", value: s >= 0 ? 1 : 0 },
    ]);
    const a = await renderSvg(activationSpec(rows));
    const b = await renderSvg(activationSpec(rows));
    const c = await renderSvg(bandCurveSpec('loss', [{ config: 'relu', series: 'train', epoch: 1, mean: 1, lo: 0.5, hi: 2 }], { yTitle: 'loss', log: true }));
    expect(a.startsWith('<svg')).toBe(true);
    expect(c.startsWith('<svg')).toBe(true);
    expect(a).toContain('relu');
    // The same chart twice in one page: its clip paths must not collide.
    const ids = (svg: string) => [...svg.matchAll(/id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    for (const m of a.matchAll(/url\(#([^)]+)\)/g)) expect(ids(a)).toContain(m[1]);
  });

  it('builds a page with no external resource and escapes text', () => {
    const html = buildPage({
      title: 'a < b',
      subtitle: ['x & y'],
      sections: [{ id: 's1', title: 'One', text: 'p1\n\np2', svg: '<svg></svg>' }],
      tables: [{ caption: 'T', rows: [['h'], ['<v>']] }],
    });
    expect(html).toContain('<h1>a &lt; b</h1>');
    expect(html).toContain('<td>&lt;v&gt;</td>');
    expect(html).toContain('<p>p1</p>\n<p>p2</p>');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(escapeHtml('"&"')).toBe('&quot;&amp;&quot;');
  });
});
