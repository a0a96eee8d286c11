import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getActivation } from '@actgrad/autograd';
import {
  Activation, createOptimizer, DEFAULT_MAX_PARAMETERS, evaluate, fit, loadModel, loadModelFile, mlp, moons, predict,
  resolveInit, resolveLoss, resolveMetric, type ModelJSON,
} from '../src/index.js';

// What a stranger's model file can and cannot do: it is checked whole before anything is
// allocated for it, and no name in it (or typed by a user) reaches an object's prototype.

/** A 300-byte file whose config claims an n × n first layer but whose weight is [2, 3]. */
function claimsHuge(n: number): string {
  return JSON.stringify({
    format: 'actgrad-model', version: 1,
    config: { layers: [{ type: 'linear', inFeatures: n, outFeatures: n, bias: false, init: 'zeros' }] },
    weights: { 'layers.0.weight': { shape: [2, 3], dtype: 'float32', encoding: 'numbers', data: [1, 2, 3, 4, 5, 6] } },
  });
}

/** Runs `f`, returning its error and how many bytes of array buffers (typed arrays, wasm memory) it added. */
function measure(f: () => unknown): { error: Error; arrayBytes: number; ms: number } {
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  let error: unknown;
  try {
    f();
  } catch (err) {
    error = err;
  }
  const ms = performance.now() - t0;
  if (!(error instanceof Error)) throw new Error('expected the call to throw');
  return { error, arrayBytes: process.memoryUsage().arrayBuffers - before, ms };
}

describe('a model file is validated before anything is allocated', () => {
  it('refuses a config claiming 30000 × 30000 (and 60000 × 60000) at once, allocating almost nothing', () => {
    for (const n of [30000, 60000]) {
      const text = claimsHuge(n);
      expect(text.length).toBeLessThan(300);
      const byLimit = measure(() => loadModel(text));
      expect(byLimit.error.message).toBe(
        `loadModel: the model would have more than ${DEFAULT_MAX_PARAMETERS} parameters (layer 0 alone is ${n}×${n}); `
        + 'if you trust the file, raise the limit with loadModel(json, { maxParameters: … })',
      );
      // With the limit raised, the stored weight still disagrees with the config: refused before the
      // n² floats are allocated (3.6 GB and ~10 s at n = 30000 before this check existed).
      const byShape = measure(() => loadModel(text, { maxParameters: 4e9 }));
      expect(byShape.error.message).toBe(`loadModel: weight 'layers.0.weight' has shape [2,3] but the config expects [${n},${n}]`);
      for (const r of [byLimit, byShape]) {
        expect(r.arrayBytes).toBeLessThan(1 << 20);
        expect(r.ms).toBeLessThan(2000); // a hang guard, not a speed claim
      }
    }
  });

  it('names absurd sizes, wrong types and broken weights instead of failing deep inside', () => {
    const good = JSON.parse(JSON.stringify(mlp({ sizes: [2, 3, 1], hidden: 'tanh', output: 'sigmoid', seed: 1 }))) as ModelJSON;
    const edit = (f: (j: Record<string, any>) => void): ModelJSON => {
      const j = structuredClone(good) as Record<string, any>;
      f(j);
      return j as ModelJSON;
    };
    const cases: [string, (j: Record<string, any>) => void, string | RegExp][] = [
      ['huge size', (j) => (j.config.layers[0].outFeatures = 1e300), 'loadModel: layer 0 (linear): outFeatures must be an integer ≥ 1; got 1e+300'],
      ['fractional size', (j) => (j.config.layers[0].inFeatures = 2.5), 'loadModel: layer 0 (linear): inFeatures must be an integer ≥ 1; got 2.5'],
      ['size as text', (j) => (j.config.layers[2].inFeatures = '3'), "loadModel: layer 2 (linear): inFeatures must be an integer ≥ 1; got '3'"],
      ['broken chain', (j) => (j.config.layers[2].inFeatures = 4), 'loadModel: layer 2 (linear) takes 4 inputs but the layer before it gives 3'],
      ['layer not an object', (j) => (j.config.layers[1] = null), 'loadModel: layer 1 must be an object; got null'],
      ['prototype layer type', (j) => (j.config.layers[1].type = 'constructor'), "loadModel: layer 1 has unknown type 'constructor'; valid: linear, activation"],
      ['prototype activation', (j) => (j.config.layers[1].name = 'toString'), /^loadModel: layer 1: unknown activation 'toString'; valid: linear, sigmoid/],
      ['option as text', (j) => (j.config.layers[1].options = { alpha: 'NaN' }), "loadModel: layer 1 (activation 'tanh'): option 'alpha' must be a finite number; got 'NaN'"],
      ['non-finite value', (j) => (j.weights['layers.0.bias'] = { shape: [3], dtype: 'float32', encoding: 'numbers', data: [0, 1e39, 0] }),
        "loadModel: weight 'layers.0.bias' holds a value that is not a finite float32 at index 1"],
      ['base64 garbage', (j) => (j.weights['layers.0.bias'].data = 'AAAA!!!!AAAA'), "loadModel: weight 'layers.0.bias': data is not valid base64"],
      ['NaN bits', (j) => (j.weights['layers.2.bias'].data = Buffer.from(new Float32Array([Number.NaN]).buffer).toString('base64')),
        "loadModel: weight 'layers.2.bias' holds a value that is not a finite float32 at index 0"],
      ['shape not a list', (j) => (j.weights['layers.0.weight'].shape = 6), "loadModel: weight 'layers.0.weight' has an invalid shape 6"],
      ['weights a list', (j) => (j.weights = []), 'loadModel: weights are missing'],
      ['mixed dtypes', (j) => (j.weights['layers.2.bias'].dtype = 'float64'), "loadModel: weight 'layers.2.bias' has dtype 'float64' but the model is float32"],
      ['no linear layer', (j) => (j.config.layers = [{ type: 'activation', name: 'relu' }]), 'loadModel: config.layers has no linear layer'],
      ['too many layers', (j) => (j.config.layers = Array.from({ length: 20_001 }, () => ({ type: 'activation', name: 'relu' }))),
        'loadModel: the model has 20001 layers, more than maxLayers (10000)'],
    ];
    for (const [what, f, message] of cases) {
      let thrown: unknown;
      try {
        loadModel(edit(f));
      } catch (err) {
        thrown = err;
      }
      expect(thrown, what).toBeInstanceOf(Error);
      if (typeof message === 'string') expect((thrown as Error).message, what).toBe(message);
      else expect((thrown as Error).message, what).toMatch(message);
    }
    expect(() => loadModel(good, { maxParameters: 0 })).toThrow('loadModel: option maxParameters must be an integer ≥ 1; got 0');
    expect(loadModel(good, { maxParameters: 13 }).parameterCount()).toBe(13);
    expect(() => loadModel(good, { maxParameters: 12 })).toThrow(/^loadModel: the model would have more than 12 parameters/);
  });

  it('keys named __proto__ or constructor in a file touch no prototype', () => {
    const model = mlp({ sizes: [2, 3, 1], hidden: { activation: 'leakyRelu', options: { alpha: 0.1 } }, seed: 1 });
    const text = JSON.stringify(model);
    const withProtoOption = text.replace('"options":{"alpha":0.1}', '"options":{"alpha":0.1,"__proto__":{"polluted":1}}');
    expect(withProtoOption).not.toBe(text);
    expect(() => loadModel(withProtoOption)).toThrow("loadModel: layer 1 (activation 'leakyRelu'): option '__proto__' must be a finite number; got an object");
    const withProtoNumber = text.replace('"options":{"alpha":0.1}', '"options":{"alpha":0.1,"__proto__":1}');
    expect(() => loadModel(withProtoNumber)).toThrow("loadModel: layer 1: activation 'leakyRelu': unknown option '__proto__'; options: alpha");
    const withProtoWeight = text.replace('"weights":{', '"weights":{"__proto__":{"polluted":1},');
    expect(() => loadModel(withProtoWeight)).toThrow("loadModel: weight '__proto__' has dtype undefined but the model is float32");
    const withProtoWeight2 = text.replace('"weights":{', '"weights":{"__proto__":{"shape":[1],"dtype":"float32","encoding":"numbers","data":[1]},');
    expect(() => loadModel(withProtoWeight2)).toThrow("loadModel: weight '__proto__' does not belong to the model");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => loadModel(JSON.parse(text.replace('"name":"leakyRelu"', '"name":"constructor","custom":true')), { activations: {} }))
      .toThrow("loadModel: layer 1 uses the custom activation 'constructor'; pass it as loadModel(json, { activations: { constructor: def } })");
  });

  it('refuses a file larger than maxFileBytes before reading it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'actgrad-load-')), 'model.json');
    writeFileSync(path, JSON.stringify(mlp({ sizes: [2, 3, 1], seed: 1 })));
    await expect(loadModelFile(path, { maxFileBytes: 100 })).rejects.toThrow(/^loadModel: the file is \d+ bytes, more than maxFileBytes \(100\)/);
    expect((await loadModelFile(path)).parameterCount()).toBe(13);
  });

  it('round-trips a float64 PReLU model bit-exactly (the file gives α its dtype)', () => {
    const model = mlp({ sizes: [2, 4, 1], hidden: 'prelu', output: 'sigmoid', dtype: 'float64', seed: 2 });
    fit(model, moons({ n: 32, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.05, epochs: 2, quiet: true });
    const loaded = loadModel(JSON.stringify(model));
    const x = [[0.3, -0.2], [1.5, 0.7]];
    expect(Array.from(predict(loaded, x).data)).toEqual(Array.from(predict(model, x).data));
    expect(loaded.namedParameters().map(([n, p]) => [n, p.data.dtype])).toEqual(model.namedParameters().map(([n, p]) => [n, p.data.dtype]));
  });
});

describe('names a user types are looked up as own properties only', () => {
  const data = moons({ n: 32, seed: 1 });
  const model = () => mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 });
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    it(`'${name}' gets the standard unknown-name error everywhere`, () => {
      expect(() => resolveLoss(name)).toThrow(`unknown loss '${name}'; valid losses: mse, mae, binaryCrossEntropy, crossEntropy, nll`);
      expect(() => fit(model(), data, { loss: name, optimizer: 'sgd', epochs: 1, quiet: true })).toThrow(`unknown loss '${name}'`);
      expect(() => resolveMetric(name as 'mse')).toThrow(`unknown metric '${name}'; valid metrics: accuracy, mse, mae, r2`);
      expect(() => fit(model(), data, { loss: 'binaryCrossEntropy', optimizer: 'sgd', epochs: 1, metrics: [name as 'mse'], quiet: true }))
        .toThrow(`unknown metric '${name}'`);
      expect(() => evaluate(model(), data, { loss: 'binaryCrossEntropy', metrics: [name as 'mse'] })).toThrow(`unknown metric '${name}'`);
      expect(() => resolveInit(name)).toThrow(`unknown initializer '${name}'; valid initializers: heNormal`);
      expect(() => mlp({ sizes: [2, 1], init: name, seed: 1 })).toThrow(`unknown initializer '${name}'`);
      expect(() => createOptimizer(name, model())).toThrow(`unknown optimizer '${name}'; valid optimizers: sgd, adam, adamw, rmsprop`);
      expect(() => getActivation(name)).toThrow(`unknown activation '${name}'; valid: linear`);
      expect(() => new Activation(name)).toThrow(`unknown activation '${name}'`);
      expect(() => mlp({ sizes: [2, 1], output: name })).toThrow(`unknown activation '${name}'`);
    });
  }
});
