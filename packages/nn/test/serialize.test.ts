import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineActivation } from '@actgrad/autograd';
import { fit, loadModel, loadModelFile, mlp, moons, predict, saveModel, Sequential, Linear, Activation, type ModelJSON } from '../src/index.js';

function bits(model: Sequential): number[][] {
  return model.parameters().map((p) => Array.from(new Uint32Array(Float32Array.from(p.data.data).buffer)));
}

function trained(): Sequential {
  const model = mlp({ sizes: [2, 8, 8, 1], hidden: ['relu', { activation: 'leakyRelu', options: { alpha: 0.2 } }], output: 'sigmoid', seed: 5 });
  fit(model, moons({ n: 64, seed: 2 }), { loss: 'binaryCrossEntropy', optimizer: 'adam', epochs: 3, quiet: true });
  return model;
}

describe('toJSON / loadModel', () => {
  it('round-trips bit-exactly through JSON text and predicts identically', () => {
    const model = trained();
    const text = JSON.stringify(model);
    const loaded = loadModel(text);
    expect(bits(loaded)).toEqual(bits(model));
    expect(loaded.config).toEqual(model.config);
    expect(loaded.layers.map((l) => l.constructor.name)).toEqual(model.layers.map((l) => l.constructor.name));
    expect((loaded.layers[3] as Activation).options).toEqual({ alpha: 0.2 });
    const x = moons({ n: 50, seed: 9 }).x;
    expect(Array.from(predict(loaded, x).data)).toEqual(Array.from(predict(model, x).data));
  });

  it('keeps values float32 cannot round through decimal text carelessly (subnormals, −0, extremes)', () => {
    const model = new Sequential([new Linear(2, 3)]);
    const w = model.parameters()[0].data.data;
    w.set([1e-45, -0, 3.4028234663852886e38, Math.fround(0.1), -Math.fround(1 / 3), 1.17549435e-38]);
    const loaded = loadModel(model.toJSON());
    expect(bits(loaded)).toEqual(bits(model));
    // The "numbers" encoding (hand-written files) is read as exactly too.
    const json = model.toJSON();
    const weights = json.weights['layers.0.weight'];
    weights.encoding = 'numbers';
    weights.data = Array.from(w);
    expect(bits(loadModel(json))).toEqual(bits(model));
  });

  it('restores float64 models and models with a custom activation passed at load time', () => {
    const softsign = defineActivation({ name: 'softsign', forward: (s) => s / (1 + Math.abs(s)), derivative: ({ s }) => 1 / (1 + Math.abs(s)) ** 2 });
    const model = mlp({ sizes: [2, 4, 1], hidden: softsign, dtype: 'float64', seed: 3 });
    const json = model.toJSON();
    expect(() => loadModel(json)).toThrow("loadModel: layer 1 uses the custom activation 'softsign'; pass it as loadModel(json, { activations: { softsign: def } })");
    const loaded = loadModel(json, { activations: { softsign } });
    expect(loaded.parameters()[0].data.dtype).toBe('float64');
    expect(Array.from(predict(loaded, [[0.3, 0.1]]).data)).toEqual(Array.from(predict(model, [[0.3, 0.1]]).data));
  });

  it('round-trips PReLU\'s learned α', () => {
    const model = mlp({ sizes: [2, 4, 1], hidden: 'prelu', output: 'sigmoid', seed: 2 });
    fit(model, moons({ n: 32, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.05, epochs: 2, quiet: true });
    const alpha = model.namedParameters().find(([n]) => n === 'layers.1.alpha')![1];
    expect(alpha.data.data[0]).not.toBe(Math.fround(0.25)); // it trained
    expect(bits(loadModel(JSON.stringify(model)))).toEqual(bits(model));
  });

  it('refuses other formats, versions, and weights that do not fit the config', () => {
    const good = trained().toJSON();
    const edit = (f: (j: ModelJSON) => void) => {
      const j = structuredClone(good);
      f(j);
      return j;
    };
    expect(() => loadModel('{nope')).toThrow(/^loadModel: not valid JSON/);
    expect(() => loadModel(edit((j) => ((j as { format: string }).format = 'keras')))).toThrow("loadModel: not an actgrad model (format 'keras')");
    expect(() => loadModel(edit((j) => (j.version = 2)))).toThrow('loadModel: file format version 2 is not supported; this version of @actgrad/nn reads version 1');
    const widerInput = (j: ModelJSON) => (j.config.layers[0] = { type: 'linear', inFeatures: 3, outFeatures: 8, bias: true, init: 'heNormal' });
    expect(() => loadModel(edit(widerInput))).toThrow('loadModel: config.mlp sizes [2,8,8,1] disagree with the layers [3,8,8,1]');
    expect(() => loadModel(edit((j) => { widerInput(j); j.config.mlp!.sizes[0] = 3; }))).toThrow(
      "loadModel: weight 'layers.0.weight' has shape [2,8] but the config expects [3,8]",
    );
    expect(() => loadModel(edit((j) => delete j.weights['layers.2.bias']))).toThrow("loadModel: weight 'layers.2.bias' is missing");
    expect(() => loadModel(edit((j) => (j.weights['layers.9.weight'] = j.weights['layers.0.weight'])))).toThrow(
      "loadModel: weight 'layers.9.weight' does not belong to the model",
    );
    expect(() => loadModel(edit((j) => (j.weights['layers.0.bias'].data = 'AAAA')))).toThrow(
      "loadModel: weight 'layers.0.bias' holds the wrong number of values for shape [8]",
    );
    expect(() => loadModel(edit((j) => ((j.config.layers[1] as { type: string }).type = 'conv2d')))).toThrow("loadModel: layer 1 has unknown type 'conv2d'");
  });
});

describe('saveModel / loadModelFile', () => {
  it('writes JSON to disk and reads it back exactly; errors name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actgrad-nn-'));
    const model = trained();
    const path = join(dir, 'model.json');
    await saveModel(model, path);
    expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('actgrad-model');
    expect(bits(await loadModelFile(path))).toEqual(bits(model));
    const bad = join(dir, 'old.json');
    writeFileSync(bad, JSON.stringify({ ...model.toJSON(), version: 0 }));
    await expect(loadModelFile(bad)).rejects.toThrow(`loadModel: file format version 0 is not supported; this version of @actgrad/nn reads version 1 (file ${bad})`);
  });
});
