import { defineActivation, getActivation, registerActivation, unregisterActivation } from '@actgrad/autograd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationCurve, outputRange } from '../src/activation-probe.js';
import { labJson, summarize } from '../src/lab/aggregate.js';
import { runLab } from '../src/lab/run-lab.js';
import type { LabOptions, LabResult } from '../src/lab/types.js';
import { buildLabPage } from '../src/report/lab-page.js';
import { TASKS } from '../src/tasks.js';

/** Sections of a page and the number of charts in each. */
function chartsPerSection(html: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of html.matchAll(/<section id="([^"]+)">([\s\S]*?)<\/section>/g)) out[m[1]!] = (m[2]!.match(/<svg[\s>]/g) ?? []).length;
  return out;
}

function options(over: Partial<LabOptions> = {}): LabOptions {
  const d = TASKS.moons.defaults;
  return {
    task: 'moons', hidden: ['relu', 'sigmoid'], outputs: ['sigmoid'], seeds: 2, seed: 42,
    settings: { ...d, epochs: 4 }, threshold: 0.9, deep: 0, deepHidden: ['sigmoid', 'relu', 'selu'], ...over,
  };
}

// A user activation registered by name must appear in the report like the built-ins.
const bent = defineActivation({ name: 'bentIdentity', forward: (s) => (Math.sqrt(s * s + 1) - 1) / 2 + s, derivative: ({ s }) => s / (2 * Math.sqrt(s * s + 1)) + 1 });
beforeAll(() => void registerActivation(bent));
afterAll(() => void unregisterActivation('bentIdentity'));

describe('activations as implemented', () => {
  it('reads a(s) and a′(s) off the registry nodes, with ReLU′(0) = 1 as in the notes', () => {
    const relu = activationCurve('relu', -1, 1, 3);
    expect([...relu.a]).toEqual([0, 0, 1]);
    expect([...relu.da]).toEqual([0, 1, 1]);
    const sig = activationCurve('sigmoid', -3, 3, 7);
    for (let i = 0; i < 7; i++) expect(sig.da[i]).toBeCloseTo(sig.a[i]! * (1 - sig.a[i]!), 6);
    const user = activationCurve('bentIdentity', -2, 2, 5);
    expect(user.da[2]).toBeCloseTo(1, 6);
    expect(user.a[4]).toBeCloseTo((Math.sqrt(5) - 1) / 2 + 2, 5);
  });

  it('finds each output range from the node itself', () => {
    expect(outputRange('sigmoid')).toEqual([0, 1]);
    expect(outputRange('tanh')).toEqual([-1, 1]);
    expect(outputRange('relu')).toEqual([0, Infinity]);
    expect(outputRange('linear')).toEqual([-Infinity, Infinity]);
    expect(outputRange('elu')[0]).toBeCloseTo(-1, 5);
  });
});

describe('the lab', () => {
  let result: LabResult;
  let html: string;
  beforeAll(async () => {
    result = runLab(options({ deep: 6 }));
    html = await buildLabPage({ result, testPoints: result.testPoints, allActivations: ['relu', 'sigmoid', 'softmax', 'bentIdentity'] });
  });

  it('trains every configuration × seed with shared seeds and summarises them', () => {
    expect(result.runs.map((r) => `${r.config}:${r.seed}`)).toEqual(['relu:42', 'relu:43', 'sigmoid:42', 'sigmoid:43']);
    for (const r of result.runs) {
      expect(r.history).toHaveLength(4);
      expect(r.history[0]!.gradNorms).toHaveLength(3);
      expect(r.initialGradNorms).toHaveLength(3);
    }
    const [relu] = summarize(result.runs);
    const accs = result.runs.filter((r) => r.config === 'relu').map((r) => r.metric);
    expect(relu!.metric.mean).toBeCloseTo((accs[0]! + accs[1]!) / 2, 12);
    // ReLU reports dead units, sigmoid saturation; neither measures the other.
    expect(Number.isFinite(result.runs[0]!.history[0]!.dead[0])).toBe(true);
    expect(Number.isNaN(result.runs[0]!.history[0]!.saturated[0])).toBe(true);
    expect(Number.isFinite(result.runs[2]!.history[0]!.saturated[0])).toBe(true);
  });

  it('summarises as one JSON line for scripts', () => {
    const line = labJson(result, '/tmp/lab.html');
    expect(line).not.toContain('\n');
    const j = JSON.parse(line);
    expect(j).toMatchObject({ task: 'moons', outputs: ['sigmoid'], seeds: 2, epochs: 4, metric: 'accuracy', sameStart: false, skipped: [], report: '/tmp/lab.html' });
    expect(j.configurations.map((c: { hidden: string }) => c.hidden)).toEqual(['relu', 'sigmoid']);
    expect(j.configurations[1].metric.mean).toBeCloseTo((result.runs[2]!.metric + result.runs[3]!.metric) / 2, 12);
  });

  it('is deterministic: the same options give the same losses', () => {
    const again = runLab(options({ hidden: ['relu'], seeds: 1 }));
    expect(again.runs[0]!.history.map((h) => h.trainLoss)).toEqual(result.runs[0]!.history.map((h) => h.trainLoss));
  });

  it('shows the vanishing gradient: sigmoid’s first layer gets orders of magnitude less than its last', () => {
    const ratio = (config: string) => {
      const runs = result.deep!.runs.filter((r) => r.config === config);
      return runs.reduce((s, r) => s + r.initialGradNorms[0]! / r.initialGradNorms.at(-1)!, 0) / runs.length;
    };
    expect(result.deep!.runs.map((r) => r.config)).toEqual(['sigmoid', 'sigmoid', 'relu', 'relu', 'selu', 'selu']);
    expect(result.deep!.runs[0]!.initialGradNorms).toHaveLength(7);
    expect(ratio('sigmoid')).toBeLessThan(1e-2);
    expect(ratio('relu')).toBeGreaterThan(0.1);
    expect(ratio('selu')).toBeGreaterThan(0.1);
  });

  it('writes a self-contained report with one chart per section', () => {
    expect(chartsPerSection(html)).toEqual({ activations: 1, loss: 1, gradients: 1, health: 1, boundaries: 1, deep: 1 });
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http|@import/);
    expect(html).toContain('bentIdentity'); // the user activation is drawn
    expect(html).toContain('Not drawn: softmax');
    // The registry's own formulas sit under the plot, the user activation's included.
    const sigmoid = getActivation('sigmoid');
    expect(html).toContain(`<tr><td>sigmoid</td><td>${sigmoid.formula}</td><td>${sigmoid.derivative}</td><td>output</td></tr>`);
    expect(sigmoid.formula).toBe('1/(1+e^−s)');
    expect(html).toMatch(/<tr><td>bentIdentity<\/td>/);
    expect(html).toMatch(/data:image\/png;base64,/); // boundary rasters are embedded
    expect(html).toContain('<td>relu</td>');
  });

  it('draws predicted vs true for a regression task', async () => {
    const d = TASKS['unit-regression'].defaults;
    const r = runLab({ ...options(), task: 'unit-regression', hidden: ['relu'], seeds: 1, settings: { ...d, epochs: 2 } });
    const page = await buildLabPage({ result: r, allActivations: ['relu'] });
    expect(chartsPerSection(page)).toEqual({ activations: 1, loss: 1, gradients: 1, health: 1, predictions: 1 });
  });

  it('counts predicted vs true classes where there is no plane to draw (Iris)', async () => {
    const r = runLab({ ...options(), task: 'iris', hidden: ['relu'], seeds: 1, settings: { ...TASKS.iris.defaults, epochs: 30 } });
    const { classes, counts } = r.pictures[0]!.confusion!;
    expect(classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(30);
    const correct = counts.reduce((s, row, i) => s + row[i]!, 0);
    expect(correct / 30).toBeCloseTo(r.runs[0]!.metric, 12); // the same predictions as the reported accuracy
    const page = await buildLabPage({ result: r, allActivations: ['relu'] });
    expect(chartsPerSection(page)).toEqual({ activations: 1, loss: 1, gradients: 1, health: 1, confusion: 1 });
  });
});
