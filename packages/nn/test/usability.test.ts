import { describe, expect, expectTypeOf, it } from 'vitest';
import { Tensor } from '@actgrad/tensor';
import {
  Activation, evaluate, fit, layerHealth, makeHead, mlp, moons, NonFiniteLossError, SGD, sine, stateDictToJSON, stepDecay, Trainer,
  type ActivationNameSpec, type InitSpecName, type LossSpec, type OptimizerName,
} from '../src/index.js';

const quiet = { quiet: true } as const;

describe('FitResult.series', () => {
  it('records the learning rate and epoch time, and refuses an unknown name with the known ones', () => {
    const model = mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 });
    const r = fit(model, moons({ n: 64, seed: 1 }), {
      loss: 'binaryCrossEntropy', optimizer: new SGD(model, { lr: stepDecay({ lr: 0.4, stepSize: 2, gamma: 0.5 }) }), epochs: 5, validation: 0.25, ...quiet,
    });
    expect(r.series('lr')).toEqual([0.4, 0.4, 0.2, 0.2, 0.1]);
    const seconds = r.series('seconds');
    expect(seconds).toHaveLength(5);
    expect(seconds.every((s) => s > 0 && s < 60)).toBe(true);
    expect(r.series('epoch')).toEqual([0, 1, 2, 3, 4]);
    expect(() => r.series('valLos')).toThrow("series: no value 'valLos' in the history; known: loss, valLoss, lr, seconds, epoch, accuracy, valAccuracy");
  });
});

describe('evaluate on held-out targets outside a bounded output', () => {
  it('warns (and measures) where fit refuses', () => {
    const model = mlp({ sizes: [1, 8, 1], hidden: 'tanh', output: 'sigmoid', seed: 1 });
    const held = { x: [[0.1], [0.5], [0.9]], y: [0.5, 0.75, 1.25] };
    const warnings: string[] = [];
    const res = evaluate(model, held, { loss: 'mse', onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      "evaluate: output 'sigmoid' produces values in [0, 1] but the targets span [0.5, 1.25]; scale the targets into that range or use a 'linear' output",
    ]);
    expect(res.loss).toBeGreaterThan(0);
    expect(() => fit(model, held, { loss: 'mse', optimizer: 'sgd', ...quiet })).toThrow("fit: output 'sigmoid' produces values in [0, 1] but the targets span [0.5, 1.25]");
  });
});

describe('layerHealth', () => {
  it('takes the data forms fit takes and agrees with the tensor form', () => {
    const model = mlp({ sizes: [2, 6, 6, 1], hidden: 'relu', output: 'sigmoid', seed: 2 });
    const d = moons({ n: 40, seed: 3 });
    const nested = { x: d.x.toArray() as number[][], y: Array.from(d.y.data) };
    const fromData = layerHealth(model, nested, { loss: 'binaryCrossEntropy' });
    const fromTensors = layerHealth(model, makeHead(model, 'binaryCrossEntropy'), d.x, d.y.reshape([40, 1]));
    expect(fromData).toEqual(fromTensors);
    expect(fromData.map((h) => h.activation)).toEqual(['relu', 'relu', 'sigmoid']);
    expect(fromData[0].gradNorm).toBeGreaterThan(0);
    expect(() => layerHealth(model, { x: [[1, 2, 3]], y: [1] }, { loss: 'binaryCrossEntropy' })).toThrow('layerHealth: x has 3 features per row but the model expects 2');
  });
});

describe('names', () => {
  it('accept snake_case activation aliases, in layers, mlp and the initializer choice', () => {
    expect(new Activation('leaky_relu').activationName).toBe('leakyRelu');
    expect(new Activation('log_softmax').activationName).toBe('logSoftmax');
    const model = mlp({ sizes: [2, 4, 1], hidden: 'leaky_relu', seed: 1 });
    expect(model.config!.hidden).toEqual(['leakyRelu']);
    expect(model.config!.init).toEqual(['heNormal', 'glorotUniform']);
    expect(() => new Activation('leaky_relux')).toThrow(/unknown activation 'leaky_relux'; valid: linear, sigmoid/);
  });

  it('are literal unions that still take any string', () => {
    expectTypeOf<Extract<ActivationNameSpec, 'leakyRelu' | 'leaky_relu' | 'softmax'>>().toEqualTypeOf<'leakyRelu' | 'leaky_relu' | 'softmax'>();
    expectTypeOf<Extract<LossSpec, 'crossEntropy'>>().toEqualTypeOf<'crossEntropy'>();
    expectTypeOf<Extract<InitSpecName, 'glorot_uniform'>>().toEqualTypeOf<'glorot_uniform'>();
    expectTypeOf<OptimizerName>().toEqualTypeOf<'sgd' | 'adam' | 'adamw' | 'rmsprop'>();
    expectTypeOf<'myRegisteredActivation'>().toMatchTypeOf<ActivationNameSpec>();
  });
});

describe('Trainer.step and a non-finite loss', () => {
  it('throws before the update, so a batch with Infinity leaves the weights as they were', () => {
    const model = mlp({ sizes: [1, 8, 1], hidden: 'tanh', seed: 1 });
    const opt = new SGD(model, { lr: 0.1, momentum: 0.9 });
    const trainer = new Trainer(model, { loss: 'mse', optimizer: opt });
    const good = sine({ n: 16, seed: 1 });
    trainer.step(good.x, good.y);
    const before = stateDictToJSON(model).tensors;
    const x = new Tensor(Float32Array.from(good.x.data), [16, 1]);
    x.data[5] = Infinity;
    // tanh turns the infinite input into a finite loss; its gradient would still be NaN.
    expect(() => trainer.step(x, good.y)).toThrow('Trainer.step: x holds Infinity at row 5, column 0; the update was skipped and the weights are unchanged');
    expect(() => trainer.step(x, good.y)).toThrow(NonFiniteLossError);
    const yNaN = new Tensor(Float32Array.from(good.y.data), [16]);
    yNaN.data[3] = NaN;
    expect(() => trainer.step(good.x, yNaN)).toThrow('Trainer.step: y holds NaN at row 3, column 0');
    expect(stateDictToJSON(model).tensors).toEqual(before);
    expect(opt.stepCount).toBe(1);
    // Finite data whose loss overflows is caught at the loss.
    const huge = new Tensor(Float32Array.from(good.y.data, () => 3e38), [16]);
    expect(() => trainer.step(good.x, huge)).toThrow('Trainer.step: the loss is Infinity on this batch; the update was skipped and the weights are unchanged (look for NaN or Infinity in the batch, or lower the learning rate)');
    expect(stateDictToJSON(model).tensors).toEqual(before);
    expect(Number.isFinite(trainer.step(good.x, good.y))).toBe(true);
  });
});
