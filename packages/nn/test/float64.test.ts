import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@actgrad/tensor';
import {
  Activation, Adam, fit, Linear, loadModelFile, mlp, moons, predict, saveModel, Sequential, SGD, standardize, stateDictToJSON, toMatrix, Trainer,
  trainTestSplit,
} from '../src/index.js';

// Values float32 cannot hold: rounding them anywhere on the way shows up in the last bits.
const x64 = [[0.1, 1 / 3], [-Math.PI, Math.E], [1e-9, 2 / 7], [0.7, -0.3]];

describe('a float64 model is float64 end to end', () => {
  it("builds PReLU's α in the model's dtype, and its optimizer state follows", () => {
    const model = mlp({ sizes: [2, 4, 1], hidden: 'prelu', dtype: 'float64', seed: 1 });
    const alpha = (model.layers[1] as Activation).parameters()[0];
    expect(alpha.data.dtype).toBe('float64'); // before any forward pass
    const state = new Adam(model).stateDict();
    expect(state.buffers.m.map((b) => b.constructor.name)).toEqual(['Float64Array', 'Float64Array', 'Float64Array', 'Float64Array', 'Float64Array']);
    expect(mlp({ sizes: [2, 4, 1], hidden: 'prelu', seed: 1 }).parameters()[2].data.dtype).toBe('float32');
    // A Sequential built by hand adopts its weights' dtype for α as well.
    const byHand = new Sequential([new Linear(2, 3, { dtype: 'float64' }), new Activation('prelu'), new Linear(3, 1, { dtype: 'float64' })]);
    expect(byHand.stateDict()['layers.1.alpha'].dtype).toBe('float64');
    expect(new Adam(byHand).stateDict().buffers.v[2]).toBeInstanceOf(Float64Array);
  });

  it('predict equals forward bit for bit, from nested arrays and from tensors', () => {
    const model = mlp({ sizes: [2, 5, 3], hidden: 'tanh', output: 'softmax', dtype: 'float64', seed: 2 });
    const forward = model.call(x64).data;
    expect(forward.dtype).toBe('float64');
    expect(Array.from(predict(model, x64).data)).toEqual(Array.from(forward.data));
    const t = new Tensor(Float64Array.from(x64.flat()), [4, 2]);
    expect(Array.from(predict(model, t).data)).toEqual(Array.from(forward.data));
    expect(predict(model, x64).dtype).toBe('float64');
  });

  it('fit trains on the float64 values, not float32-rounded ones', () => {
    const y = [1, 0, 0, 1];
    const a = mlp({ sizes: [2, 4, 1], hidden: 'prelu', output: 'sigmoid', dtype: 'float64', seed: 3 });
    fit(a, { x: x64, y }, { loss: 'binaryCrossEntropy', optimizer: new SGD(a, { lr: 0.5 }), epochs: 3, batchSize: 4, shuffle: false, quiet: true });
    // The same steps by hand on float64 tensors.
    const b = mlp({ sizes: [2, 4, 1], hidden: 'prelu', output: 'sigmoid', dtype: 'float64', seed: 3 });
    const trainer = new Trainer(b, { loss: 'binaryCrossEntropy', optimizer: new SGD(b, { lr: 0.5 }) });
    const xt = new Tensor(Float64Array.from(x64.flat()), [4, 2]);
    const yt = new Tensor(Float64Array.from(y), [4]);
    for (let i = 0; i < 3; i++) trainer.step(xt, yt);
    expect(stateDictToJSON(a).tensors).toEqual(stateDictToJSON(b).tensors);
    // Rounded to float32 first, the same run ends elsewhere.
    const c = mlp({ sizes: [2, 4, 1], hidden: 'prelu', output: 'sigmoid', dtype: 'float64', seed: 3 });
    const rounded = x64.map((r) => r.map(Math.fround));
    fit(c, { x: rounded, y }, { loss: 'binaryCrossEntropy', optimizer: new SGD(c, { lr: 0.5 }), epochs: 3, batchSize: 4, shuffle: false, quiet: true });
    expect(stateDictToJSON(c).tensors).not.toEqual(stateDictToJSON(a).tensors);
  });

  it('a trained float64 PReLU model saves and loads bit-exact', async () => {
    const model = mlp({ sizes: [2, 6, 1], hidden: 'prelu', output: 'sigmoid', dtype: 'float64', seed: 4 });
    const data = moons({ n: 64, seed: 1 });
    fit(model, data, { loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.05, epochs: 3, quiet: true });
    expect(model.stateDict()['layers.1.alpha'].data[0]).not.toBe(0.25);
    const path = join(await mkdtemp(join(tmpdir(), 'actgrad-f64-')), 'm.json');
    await saveModel(model, path);
    const back = await loadModelFile(path);
    expect(stateDictToJSON(back).tensors).toEqual(stateDictToJSON(model).tensors);
    expect(back.parameters().every((p) => p.data.dtype === 'float64')).toBe(true);
    expect(Array.from(predict(back, x64).data)).toEqual(Array.from(predict(model, x64).data));
  });

  it('the data helpers keep float64 data float64', () => {
    const t = new Tensor(Float64Array.from(x64.flat()), [4, 2]);
    expect(toMatrix('t', 'x', t).data).toBeInstanceOf(Float64Array);
    expect(toMatrix('t', 'x', x64, 'float64').data[0]).toBe(0.1);
    expect(toMatrix('t', 'x', x64).data).toBeInstanceOf(Float32Array);
    const { train, test } = trainTestSplit({ x: t, y: new Tensor(Float64Array.from([0.1, 0.2, 0.3, 0.4]), [4]) }, { testFraction: 0.25 });
    expect([train.x.dtype, train.y.dtype, test.x.dtype]).toEqual(['float64', 'float64', 'float64']);
    expect(Array.from(test.y.data).every((v) => [0.1, 0.2, 0.3, 0.4].includes(v))).toBe(true);
    const s = standardize(t);
    expect(s.x.dtype).toBe('float64');
    expect(s.mean[0]).toBe((0.1 - Math.PI + 1e-9 + 0.7) / 4);
  });
});
