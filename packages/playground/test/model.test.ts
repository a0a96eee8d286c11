import { describe, expect, it } from 'vitest';
import { getActivation } from '@actgrad/autograd';
import { makeData, parseCsv } from '../src/data.js';
import { activationCurves, learntParams, Run } from '../src/run.js';
import { defaultState, fromHash, hiddenActivations, toHash, type State } from '../src/state.js';

const encodeXY = (x: number, y: number) => [x, y].map((v) => Math.round(((v + 1) / 2) * 1295).toString(36).padStart(2, '0')).join('');

// The page's model logic is plain actgrad: it runs in Node as it does in the browser.

describe('state in the URL', () => {
  it('round-trips every field, layer parameters included', () => {
    const s: State = {
      ...defaultState(), dataset: 'spirals', classes: 4, noise: 0.3, n: 600, testFraction: 0.25, seed: 7,
      layers: [{ units: 8, activation: 'leakyRelu', params: { alpha: 0.2 } }, { units: 12, activation: 'elu', params: { alpha: 0.5 } }],
      output: 'softmax', loss: 'crossEntropy', optimizer: 'sgd', lr: 0.1, batchSize: 16, compare: 'tanh',
    };
    const hash = toHash(s);
    expect(hash).toContain('h=8%3AleakyRelu%3Aalpha%3D0.2%2C12%3Aelu%3Aalpha%3D0.5');
    expect(fromHash(hash)).toEqual({ state: s, problems: [] });
  });

  it('keeps defaults for invalid parts of a link and says which', () => {
    const { state, problems } = fromHash('#data=moonz&h=16:relu,4:nope&lr=-1&opt=adam');
    expect(state.dataset).toBe('moons');
    expect(state.layers).toEqual([{ units: 16, activation: 'relu', params: {} }]);
    expect(state.lr).toBe(defaultState().lr);
    expect(problems).toEqual(["unknown data set 'moonz'", 'lr=-1 is not valid', "hidden layer '4:nope' is not valid"]);
  });

  it('carries the user\'s points, 5 characters each, on a 1296-step grid', () => {
    const points = [{ x: -1, y: 1, label: 0 }, { x: 0.25, y: -0.5, label: 3 }];
    const s: State = { ...defaultState(), dataset: 'csv', points };
    const hash = toHash(s);
    expect(new URLSearchParams(hash.slice(1)).get('pts')).toBe('00zz0' + 'lwbs3'.replace('lwbs', encodeXY(0.25, -0.5)));
    const back = fromHash(hash).state.points;
    expect(back.map((p) => p.label)).toEqual([0, 3]);
    back.forEach((p, i) => {
      expect(Math.abs(p.x - points[i].x)).toBeLessThanOrEqual(1 / 1295);
      expect(Math.abs(p.y - points[i].y)).toBeLessThanOrEqual(1 / 1295);
    });
    expect(toHash({ ...s, points: back })).toBe(hash);
    expect(fromHash('#data=csv&pts=00zz').problems).toEqual(['the points in the link are not valid']);
  });

  it('checks parameters against the registry: ranges for numbers, choices for strings', () => {
    const ok = fromHash('#h=8:gelu:approximate=tanh,8:leakyRelu:alpha=0.3');
    expect(ok.problems).toEqual([]);
    expect(ok.state.layers.map((l) => l.params)).toEqual([{ approximate: 'tanh' }, { alpha: 0.3 }]);
    const bad = fromHash('#h=8:gelu:approximate=fast,8:leakyRelu:alpha=2');
    expect(bad.problems).toEqual([
      "parameter 'approximate=fast' of gelu is not valid (approximate must be one of none, tanh)",
      "parameter 'alpha=2' of leakyRelu is not valid (alpha must be a number > 0 and < 1)",
    ]);
    expect(bad.state.layers.map((l) => l.params)).toEqual([{ approximate: 'none' }, { alpha: 0.01 }]);
  });

  it('offers exactly the elementwise activations of the registry', () => {
    const names = hiddenActivations();
    expect(names).toContain('relu');
    expect(names).toContain('prelu');
    expect(names).not.toContain('softmax');
    for (const n of names) expect(getActivation(n).elementwise).toBe(true);
  });
});

describe('data', () => {
  it('puts every data set on the [-0.9, 0.9] plane and splits it with the seed', () => {
    const s = defaultState();
    const d = makeData(s, []);
    expect(d.train.points.length + d.test.points.length).toBe(s.n);
    expect(d.test.points.length).toBe(Math.round(s.n * s.testFraction));
    const xs = [...d.train.points, ...d.test.points].map((p) => p.x);
    expect(Math.min(...xs)).toBeCloseTo(-0.9, 5);
    expect(Math.max(...xs)).toBeCloseTo(0.9, 5);
    expect(makeData(s, []).train.points).toEqual(d.train.points);
    expect(makeData({ ...s, seed: 2 }, []).train.points).not.toEqual(d.train.points);
  });

  it('regression curves stay in their target range', () => {
    const d = makeData({ ...defaultState(), dataset: 'curve11', noise: 0.1 }, []);
    expect(d.features).toBe(1);
    const ys = d.train.points.map((p) => p.y);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...ys)).toBeLessThanOrEqual(1);
  });

  it('reads CSV rows x,y,label, skipping a header, and names the bad line', () => {
    const pts = parseCsv('x,y,label\n0,0,0\n10,20,1\n5,10,1\n');
    expect(pts.map((p) => p.label)).toEqual([0, 1, 1]);
    expect(pts[0].x).toBeCloseTo(-0.9, 6);
    expect(pts[0].y).toBeCloseTo(-0.9, 6);
    expect(pts[1].x).toBeCloseTo(0.9, 6);
    expect(() => parseCsv('0,0,0\n1,oops,1')).toThrow('CSV line 2: expected three numbers x,y,label');
    expect(() => parseCsv('0,0,0.5')).toThrow('CSV line 1: the label must be a class 0–5; got 0.5');
    expect(() => makeData({ ...defaultState(), dataset: 'csv' }, [])).toThrow('the data set has 0 points');
  });
});

describe('Run', () => {
  it('trains a 2-16-16-1 ReLU net on moons past 95% test accuracy', () => {
    const s = defaultState();
    const run = new Run(s, makeData(s, []), s.layers);
    const before = run.record();
    for (let i = 0; i < 1500; i++) run.step();
    const after = run.record();
    expect(before.testScore).toBeLessThan(0.9);
    expect(after.testScore).toBeGreaterThan(0.95);
    expect(after.trainLoss).toBeLessThan(before.trainLoss / 4);
    expect(run.epoch).toBe(Math.floor((1500 * 32) / run.data.train.x.shape[0]));
    expect(run.gradNorms).toHaveLength(3);
    // One norm per record after the first step (before it there is no gradient).
    expect(run.gradNorms.map((g) => g.length)).toEqual([1, 1, 1]);
    expect(run.gradNorms[0][0]).toBeGreaterThan(0);
  });

  it('compare: the second network starts from the first one\'s weights and differs only in activation', () => {
    const s = { ...defaultState(), compare: 'tanh' };
    const data = makeData(s, []);
    const a = new Run(s, data, s.layers);
    const b = new Run(s, data, s.layers.map((l) => ({ ...l, activation: 'tanh' })), a);
    const wa = a.model.namedParameters();
    const wb = b.model.namedParameters();
    expect(wb.map(([n]) => n)).toEqual(wa.map(([n]) => n));
    wa.forEach(([, p], i) => expect(Array.from(wb[i][1].data.data)).toEqual(Array.from(p.data.data)));
    // A fresh tanh network would have drawn Glorot weights instead of He ones.
    const fresh = new Run(s, data, s.layers.map((l) => ({ ...l, activation: 'tanh' })));
    expect(Array.from(fresh.model.namedParameters()[0][1].data.data)).not.toEqual(Array.from(wa[0][1].data.data));
    expect(b.inspect()[0].activation).toBe('tanh');
  });

  it('inspect: slopes are f\'(s) of each layer at its own pre-activations', () => {
    const s = { ...defaultState(), layers: [{ units: 5, activation: 'relu', params: {} }, { units: 4, activation: 'sigmoid', params: {} }] };
    const run = new Run(s, makeData(s, []), s.layers);
    const [l1, l2] = run.inspect();
    expect(l1.units).toBe(5);
    for (let i = 0; i < l1.pre.length; i++) {
      expect(l1.slope[i]).toBe(l1.pre[i] >= 0 ? 1 : 0);
      expect(l1.post[i]).toBe(Math.max(0, l1.pre[i]));
    }
    for (let i = 0; i < l2.pre.length; i++) {
      const a = 1 / (1 + Math.exp(-l2.pre[i]));
      expect(l2.post[i]).toBeCloseTo(a, 5);
      expect(l2.slope[i]).toBeCloseTo(a * (1 - a), 5);
    }
    const health = run.recordHealth([l1, l2], [1, 0.25]);
    const negative = l1.pre.filter((v) => v < 0).length;
    expect(negative).toBeGreaterThan(0);
    expect(health[0].flat).toBeCloseTo(negative / l1.pre.length, 6);
  });

  it('activation curves run the layer\'s own node: f and f\' of leaky ReLU with its alpha', () => {
    const s = { ...defaultState(), layers: [{ units: 3, activation: 'leakyRelu', params: { alpha: 0.2 } }] };
    const run = new Run(s, makeData(s, []), s.layers);
    const [c] = activationCurves(run, 4, 9);
    expect(Array.from(c.s)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect(Array.from(c.f)).toEqual([-0.8, -0.6, -0.4, -0.2, 0, 1, 2, 3, 4].map(Math.fround));
    expect(Array.from(c.df)).toEqual([0.2, 0.2, 0.2, 0.2, 1, 1, 1, 1, 1].map(Math.fround));
    expect(c.peak).toBe(1);
  });

  it('PReLU\'s α starts from the layer\'s setting and is trained with the weights', () => {
    const s = { ...defaultState(), layers: [{ units: 8, activation: 'prelu', params: { alpha: 0.3 } }] };
    const run = new Run(s, makeData(s, []), s.layers);
    expect(learntParams(run)[0]).toEqual([['alpha', Math.fround(0.3)]]);
    for (let i = 0; i < 50; i++) run.step();
    const [[name, alpha]] = learntParams(run)[0];
    expect(name).toBe('alpha');
    expect(alpha).not.toBeCloseTo(0.3, 4);
    // The drawn curve uses the trained α: f(−1) = −α.
    expect(activationCurves(run, 1, 3)[0].f[0]).toBeCloseTo(-alpha, 6);
  });

  it('reports pairing errors and refuses to train with them', () => {
    const s = { ...defaultState(), output: 'relu', loss: 'binaryCrossEntropy' };
    const run = new Run(s, makeData(s, []), s.layers);
    expect(run.blocked).toBe(true);
    expect(run.issues[0].message).toContain("output 'relu' is not bounded to [0, 1]");
  });
});
