import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { meanStd, formatMeanStd, formatTable } from '../src/format.js';
import { bandCurves, firstEpochReaching, summarize } from '../src/lab/aggregate.js';
import type { EpochRecord, RunRecord } from '../src/lab/types.js';
import { activationNames } from '@actgrad/autograd';
import { activationSpec, bandCurveSpec, fullRows, PROBABILITY_RANGE } from '../src/report/charts.js';
import { activationColor, activationScale } from '../src/report/colors.js';
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
    config, activation: config, hidden: [config], output: 'sigmoid', seed, history, initChecksum: 1, initialGradNorms: [1, 2], trainLoss: last.trainLoss, testLoss: last.testLoss,
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
      { config: 'relu', activation: 'relu', output: 'sigmoid', series: 'train', epoch: 1, mean: 1.5, lo: 1, hi: 2 },
      { config: 'relu', activation: 'relu', output: 'sigmoid', series: 'train', epoch: 2, mean: 1, lo: 0.5, hi: 1.5 },
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

  it('colours a binary raster on the legend’s P(class 1) scale: class 0 colour, white at 0.5, class 1 colour', () => {
    const px = probabilityRaster(5, 1, [0, 0.25, 0.5, 1, 2], 2);
    const rgb = (i: number) => [...px.subarray(i * 4, i * 4 + 3)];
    const hex = (h: string) => [1, 3, 5].map((o) => parseInt(h.slice(o, o + 2), 16));
    expect(rgb(0)).toEqual(hex(PROBABILITY_RANGE[0]!));
    expect(rgb(2)).toEqual([255, 255, 255]);
    expect(rgb(3)).toEqual(hex(PROBABILITY_RANGE[2]!));
    expect(rgb(4)).toEqual(rgb(3)); // clamped
    // Halfway between class 0's colour and white, channel by channel (RGB interpolation, as the legend).
    rgb(1).forEach((v, ch) => expect(v).toBe(Math.round((hex(PROBABILITY_RANGE[0]!)[ch]! + 255) / 2)));
  });

  it('colours a multi-class raster by the most likely class, white at a three-way tie', () => {
    const px = probabilityRaster(2, 1, [1 / 3, 1 / 3, 1 / 3, 0, 0, 1], 3);
    expect([...px.subarray(0, 3)]).toEqual([255, 255, 255]);
    expect(px[4]! < px[5]!).toBe(true); // certain class 2: green, more green than red
  });

  it('gives each activation its registry colour, the same wherever it appears', () => {
    const a = activationScale(['tanh', 'relu']);
    const b = activationScale(['relu', 'sigmoid', 'tanh']);
    expect(a.range[a.domain.indexOf('relu')]).toBe(b.range[b.domain.indexOf('relu')]);
    expect(a.range[a.domain.indexOf('tanh')]).toBe(b.range[b.domain.indexOf('tanh')]);
    const all = activationNames().map(activationColor);
    expect(new Set(all).size).toBe(all.length); // no two registered activations share a colour
  });

  it('wraps facets into full rows where a 2- or 3-wide grid can', () => {
    expect([1, 2, 3, 4, 6, 8, 9].map((n) => fullRows(n))).toEqual([1, 2, 3, 2, 3, 2, 3]);
  });

  it('renders a Vega-Lite spec to standalone SVG with ids unique per chart', async () => {
    const rows = [-1, 0, 1].flatMap((s) => [
      { activation: 'relu', s, curve: 'a(s)', value: Math.max(0, s) },
      { activation: 'relu', s, curve: "a'(s)", value: s >= 0 ? 1 : 0 },
    ]);
    const colors = activationScale(['relu']);
    const a = await renderSvg(activationSpec(rows, colors));
    const b = await renderSvg(activationSpec(rows, colors));
    const c = await renderSvg(bandCurveSpec('loss', [{ config: 'relu', activation: 'relu', series: 'train', epoch: 1, mean: 1, lo: 0.5, hi: 2 }], colors, { yTitle: 'loss', log: true }));
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
