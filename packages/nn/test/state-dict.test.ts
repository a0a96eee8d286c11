import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '@actgrad/tensor';
import { Linear, loadModel, loadStateDictFile, loadStateDictJSON, mlp, saveStateDict, stateDictFromJSON, stateDictToJSON } from '../src/index.js';

const values = (t: Tensor) => Array.from(t.contiguous().data);

describe('stateDict', () => {
  it('maps namedParameters names to copies of the values', () => {
    const model = mlp({ sizes: [2, 3, 1], hidden: 'prelu', seed: 1 });
    const dict = model.stateDict();
    expect(Object.keys(dict)).toEqual(model.namedParameters().map(([n]) => n));
    expect(Object.keys(dict)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.alpha', 'layers.2.weight', 'layers.2.bias']);
    expect(dict['layers.1.alpha'].toArray()).toEqual([0.25]);
    const w = model.linearLayers()[0].weight.data;
    expect(values(dict['layers.0.weight'])).toEqual(Array.from(w.data));
    w.data[0] += 1; // later training does not reach the copy
    expect(dict['layers.0.weight'].data[0]).toBe(w.data[0] - 1);
  });
});

describe('loadStateDict', () => {
  const fresh = () => mlp({ sizes: [2, 3, 1], seed: 2 });
  const source = () => mlp({ sizes: [2, 3, 1], seed: 1 }).stateDict();

  it('copies the values in; a second model then computes the same outputs', () => {
    const a = mlp({ sizes: [2, 3, 1], seed: 1 });
    const b = fresh();
    expect(b.loadStateDict(a.stateDict())).toEqual({ missing: [], unexpected: [] });
    const x = [[0.3, -2], [1, 4]];
    expect(b.call(x).toArray()).toEqual(a.call(x).toArray());
  });

  it('names every missing, unexpected, mis-shaped and mis-typed entry and writes nothing', () => {
    const model = fresh();
    const before = model.stateDict();
    const dict = source();
    delete dict['layers.2.bias'];
    dict['layers.9.weight'] = tensor([1]);
    dict['layers.0.bias'] = tensor([1, 2]);
    dict['layers.2.weight'] = tensor([[1], [2], [3]], { dtype: 'float64' });
    expect(() => model.loadStateDict(dict)).toThrow(
      "loadStateDict (Sequential): the state dict does not fit the model: 'layers.0.bias' has shape [2] but the model's parameter has [3]; " +
        "'layers.2.weight' is float64 but the model's parameter is float32; missing 'layers.2.bias'; " +
        "unexpected 'layers.9.weight' (the model's parameters: 'layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias')",
    );
    // layers.0.weight was fine, but nothing is written when anything is wrong.
    expect(values(model.linearLayers()[0].weight.data)).toEqual(values(before['layers.0.weight']));
  });

  it('non-strict loads what fits and reports the rest; shape errors stay errors', () => {
    const model = fresh();
    const dict = source();
    delete dict['layers.2.bias'];
    dict['extra'] = tensor([1]);
    expect(model.loadStateDict(dict, { strict: false })).toEqual({ missing: ['layers.2.bias'], unexpected: ['extra'] });
    expect(values(model.linearLayers()[0].weight.data)).toEqual(values(dict['layers.0.weight']));
    dict['layers.0.bias'] = tensor([1]);
    expect(() => model.loadStateDict(dict, { strict: false })).toThrow("'layers.0.bias' has shape [1] but the model's parameter has [3]");
  });

  it('looks names up as own properties only, and refuses non-tensors', () => {
    const lin = new Linear(1, 1);
    expect(() => lin.loadStateDict({ weight: tensor([[1]]) })).toThrow("missing 'bias'");
    expect(() => lin.loadStateDict({ weight: [[1]] as unknown as Tensor, bias: tensor([0]) })).toThrow("loadStateDict (Linear): 'weight' is not a Tensor");
    // Inherited entries do not count: a name is found only as the dict's own property.
    expect(() => new Linear(1, 1).loadStateDict(Object.create({ weight: tensor([[1]]), bias: tensor([0]) }))).toThrow("missing 'weight', 'bias'");
  });
});

describe('state-dict files', () => {
  it('round-trip float64 values bit-exactly (values float32 cannot hold)', async () => {
    const model = mlp({ sizes: [2, 4, 1], hidden: 'prelu', seed: 1, dtype: 'float64' });
    model.linearLayers()[0].weight.data.data.set([Math.PI, -0, 1e-310, Number.MAX_VALUE, 1 / 3, -Math.E, 2 ** -1074, 0.1]);
    const dir = await mkdtemp(join(tmpdir(), 'actgrad-sd-'));
    const path = join(dir, 'm.json');
    await saveStateDict(model, path);
    const back = mlp({ sizes: [2, 4, 1], hidden: 'prelu', seed: 7, dtype: 'float64' });
    await loadStateDictFile(back, path);
    for (const [name, t] of Object.entries(model.stateDict())) {
      const got = back.stateDict()[name];
      expect(got.dtype).toBe('float64');
      expect(Object.is(got.data[1], t.data[1])).toBe(true);
      expect(Array.from(got.data)).toEqual(Array.from(t.data));
    }
    expect(stateDictFromJSON(JSON.stringify(stateDictToJSON(model)))['layers.0.weight'].data[0]).toBe(Math.PI);
  });

  it('checks names, shapes and byte counts before decoding, and names the file', async () => {
    const model = mlp({ sizes: [2, 3, 1], seed: 1 });
    const json = stateDictToJSON(model);
    const dir = await mkdtemp(join(tmpdir(), 'actgrad-sd-'));
    const path = join(dir, 'bad.json');
    json.tensors['layers.0.bias'].data = 'AAAA'; // 3 bytes for 3 float32 (12 bytes)
    await writeFile(path, JSON.stringify(json));
    await expect(loadStateDictFile(model, path)).rejects.toThrow(
      `loadStateDictFile: tensor 'layers.0.bias' holds 3 bytes but shape [3] of float32 needs 12 (file ${path})`,
    );
    const wrongShape = stateDictToJSON(mlp({ sizes: [2, 5, 1], seed: 1 }));
    expect(() => loadStateDictJSON(model, wrongShape)).toThrow("'layers.0.weight' has shape [2,5] but the model's parameter has [2,3]");
    expect(() => loadStateDictJSON(model, { ...wrongShape, version: 9 })).toThrow('state-dict format version 9 is not supported');
    expect(() => loadStateDictJSON(model, '{"format":"keras"}')).toThrow("loadStateDict: not an actgrad state dict or model (format 'keras')");
    // A saveModel file's weights load too.
    const other = mlp({ sizes: [2, 3, 1], seed: 5 });
    loadStateDictJSON(other, JSON.stringify(model.toJSON()));
    expect(values(other.stateDict()['layers.0.weight'])).toEqual(values(model.stateDict()['layers.0.weight']));
    expect(JSON.parse(await readFile(path, 'utf8')).format).toBe('actgrad-state-dict');
  });

  it('model files are built on the state dict', () => {
    const model = mlp({ sizes: [2, 3, 1], seed: 1 });
    const json = model.toJSON();
    expect(Object.keys(json.weights)).toEqual(Object.keys(model.stateDict()));
    expect(json.weights).toEqual(stateDictToJSON(model).tensors);
    expect(loadModel(json).call([[1, 2]]).toArray()).toEqual(model.call([[1, 2]]).toArray());
  });
});
