import { describe, expect, it, vi } from 'vitest';
import { getBackend, Tensor, tensor } from '@actgrad/tensor';
import {
  Adam, circles, evaluate, fit, iris, Linear, mlp, moons, oneHot, predict, Sequential, SGD, sine, spirals, standardize, Trainer,
  trainStep, trainTestSplit, xor, type Dataset,
} from '../src/index.js';

const quiet = { quiet: true } as const;

describe('training reaches the bars on toy tasks (seeded, few epochs)', () => {
  it('two moons: 2-16-16-1 tanh/sigmoid, BCE, SGD momentum → ≥ 97% on fresh data', () => {
    const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'tanh', output: 'sigmoid', seed: 1 });
    fit(model, moons({ n: 300, noise: 0.1, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: new SGD(model, { lr: 0.1, momentum: 0.9 }), epochs: 30, ...quiet });
    expect(evaluate(model, moons({ n: 300, noise: 0.1, seed: 2 }), { loss: 'binaryCrossEntropy' }).accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('circles: relu/sigmoid with Adam → ≥ 97%', () => {
    const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
    fit(model, circles({ n: 300, factor: 0.5, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.01 }), epochs: 25, ...quiet });
    expect(evaluate(model, circles({ n: 300, factor: 0.5, seed: 2 }), { loss: 'binaryCrossEntropy' }).accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('3-class spirals: relu/softmax with cross-entropy → ≥ 95% training accuracy', () => {
    const model = mlp({ sizes: [2, 64, 64, 3], hidden: 'relu', output: 'softmax', seed: 1 });
    const data = spirals({ n: 300, seed: 1 });
    fit(model, data, { loss: 'crossEntropy', optimizer: new Adam(model, { lr: 0.01 }), epochs: 60, ...quiet });
    expect(evaluate(model, data, { loss: 'crossEntropy' }).accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('xor: one relu hidden layer → ≥ 95% on fresh data', () => {
    const model = mlp({ sizes: [2, 16, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
    fit(model, xor({ n: 300, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.02 }), epochs: 40, ...quiet });
    expect(evaluate(model, xor({ n: 300, seed: 2 }), { loss: 'binaryCrossEntropy' }).accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('sine regression: linear output R² ≥ 0.95; tanh output on targets in [−1, 1] too', () => {
    const model = mlp({ sizes: [1, 32, 32, 1], hidden: 'tanh', seed: 1 });
    const r = fit(model, sine({ n: 300, noise: 0.05, seed: 1 }), { loss: 'mse', optimizer: new Adam(model, { lr: 0.01 }), epochs: 40, ...quiet });
    expect(r.history.at(-1)!.metrics.r2).toBeGreaterThanOrEqual(0.95);
    const bounded = mlp({ sizes: [1, 32, 32, 1], hidden: 'tanh', output: 'tanh', seed: 1 });
    const data = sine({ n: 300, noise: 0.05, seed: 1, range: [-1, 1] });
    fit(bounded, data, { loss: 'mse', optimizer: new Adam(bounded, { lr: 0.01 }), epochs: 40, ...quiet });
    expect(evaluate(bounded, data, { loss: 'mse' }).r2).toBeGreaterThanOrEqual(0.95);
  });

  it('iris: standardized, stratified split → ≥ 93% test accuracy', () => {
    const { train, test } = trainTestSplit(iris(), { seed: 1, stratify: true });
    const s = standardize(train.x);
    const model = mlp({ sizes: [4, 16, 3], hidden: 'relu', output: 'softmax', seed: 1 });
    fit(model, { x: s.x, y: train.y }, { loss: 'crossEntropy', optimizer: new Adam(model, { lr: 0.01 }), epochs: 40, batchSize: 16, ...quiet });
    expect(evaluate(model, { x: standardize(test.x, s).x, y: test.y }, { loss: 'crossEntropy' }).accuracy).toBeGreaterThanOrEqual(0.93);
  });
});

describe('other pairings from the table', () => {
  it('logSoftmax output with nll, and one-hot targets with crossEntropy, learn the spirals too', () => {
    const data = spirals({ n: 150, seed: 2 });
    const a = mlp({ sizes: [2, 32, 3], hidden: 'relu', output: 'logSoftmax', seed: 1 });
    fit(a, data, { loss: 'nll', optimizer: new Adam(a, { lr: 0.02 }), epochs: 40, ...quiet });
    expect(evaluate(a, data, { loss: 'nll' }).accuracy).toBeGreaterThan(0.8);
    const b = mlp({ sizes: [2, 32, 3], hidden: 'relu', output: 'softmax', seed: 1 });
    fit(b, { x: data.x, y: oneHot(data.y, 3) }, { loss: 'crossEntropy', optimizer: new Adam(b, { lr: 0.02 }), epochs: 40, ...quiet });
    expect(evaluate(b, data, { loss: 'crossEntropy' }).accuracy).toBeGreaterThan(0.8);
  });

  it('two regression outputs with a sigmoid head on targets in [0, 1]', () => {
    const s = sine({ n: 200, noise: 0, seed: 1, range: [0, 1] });
    const c = sine({ n: 200, noise: 0, seed: 1 });
    const y = Array.from({ length: 200 }, (_, i) => [s.y.data[i], (Math.cos(c.x.data[i]) + 1) / 2]);
    const model = mlp({ sizes: [1, 32, 2], hidden: 'tanh', output: 'sigmoid', seed: 1 });
    fit(model, { x: s.x, y }, { loss: 'mse', optimizer: new Adam(model, { lr: 0.02 }), epochs: 60, ...quiet });
    expect(evaluate(model, { x: s.x, y }, { loss: 'mse' }).r2).toBeGreaterThan(0.9);
  });
});

describe('fit mechanics', () => {
  const data = moons({ n: 100, seed: 3 });
  const make = () => mlp({ sizes: [2, 8, 1], hidden: 'tanh', output: 'sigmoid', seed: 4 });

  it('is deterministic for a seed and shuffles differently for another', () => {
    const run = (seed: number) => {
      const m = make();
      const r = fit(m, data, { loss: 'binaryCrossEntropy', optimizer: 'sgd', lr: 0.1, epochs: 3, seed, ...quiet });
      return [r.series('loss'), Array.from(m.parameters()[0].data.data)];
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)[0]).not.toEqual(run(2)[0]);
  });

  it('logs loss, metrics, validation and seconds per epoch; accepts a validation fraction', () => {
    const r = fit(make(), data, { loss: 'binaryCrossEntropy', optimizer: 'adam', epochs: 2, validation: 0.25, metrics: ['accuracy', 'mse'], ...quiet });
    expect(r.history).toHaveLength(2);
    const log = r.history[1];
    expect(Object.keys(log.metrics).sort()).toEqual(['accuracy', 'mse', 'valAccuracy', 'valMse']);
    expect(log.seconds).toBeGreaterThan(0);
    expect(log.valLoss).toBeGreaterThan(0);
    expect(r.series('valAccuracy')).toHaveLength(2);
    expect(r.stopReason).toBe('completed');
  });

  it('trainStep does forward, backward and one update: matches the hand-computed MSE gradient step', () => {
    const model = new Sequential([new Linear(2, 1)]);
    const [w, b] = model.parameters();
    w.data.data.set([0.5, -1]);
    const x = tensor([[1, 2], [3, -1]]);
    const y = tensor([[1], [0]]);
    // pred = [0.5 − 2, 1.5 + 1] = [−1.5, 2.5]; err = [−2.5, 2.5]; ∂/∂W = 2/2·Xᵀerr = [5, −7.5]; ∂/∂b = 0.
    const loss = trainStep(model, x, y, { loss: 'mse', optimizer: new SGD(model, { lr: 0.1 }) });
    expect(loss).toBeCloseTo((2.5 ** 2 + 2.5 ** 2) / 2, 6);
    expect(Array.from(w.data.data)).toEqual([0.5 - 0.5, -1 + 0.75].map(Math.fround));
    expect(b.data.data[0]).toBe(0);
    // A Trainer reused over many steps keeps decreasing the loss.
    const trainer = new Trainer(model, { loss: 'mse', optimizer: new SGD(model, { lr: 0.05 }) });
    let last = Infinity;
    for (let i = 0; i < 20; i++) {
      const l = trainer.step(x, y);
      expect(l).toBeLessThan(last);
      last = l;
    }
  });

  it('reuses its buffers: after the first steps, training allocates no new storage', () => {
    const alloc = vi.spyOn(getBackend(), 'alloc');
    try {
      const model = mlp({ sizes: [2, 16, 16, 3], hidden: 'relu', output: 'softmax', seed: 1 });
      const trainer = new Trainer(model, { loss: 'crossEntropy', optimizer: new Adam(model) });
      const x = new Tensor(Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), [32, 2]);
      const y = new Tensor(Float32Array.from({ length: 32 }, (_, i) => i % 3), [32]);
      for (let i = 0; i < 3; i++) trainer.step(x, y);
      expect(alloc).toHaveBeenCalled(); // the spy sees allocations at all
      alloc.mockClear();
      for (let i = 0; i < 50; i++) trainer.step(x, y);
      expect(alloc).not.toHaveBeenCalled();
      // fit allocates its batch buffers once; more epochs, validation included, allocate nothing more.
      const d = moons({ n: 100, seed: 1 });
      const binary = mlp({ sizes: [2, 8, 1], hidden: 'tanh', output: 'sigmoid', seed: 1 });
      const opts = { loss: 'binaryCrossEntropy', optimizer: 'sgd', validation: d, ...quiet };
      // Two warm-up runs: the first run's gradients take buffers its shape probe had freed.
      fit(binary, d, { ...opts, epochs: 1 });
      fit(binary, d, { ...opts, epochs: 1 });
      const countFor = (epochs: number) => {
        alloc.mockClear();
        fit(binary, d, { ...opts, epochs });
        return alloc.mock.calls.length;
      };
      expect(countFor(6)).toBe(countFor(2));
    } finally {
      alloc.mockRestore();
    }
  });

  it('draws a progress bar only on a TTY and not when quiet', () => {
    const writes = (isTTY: boolean, q: boolean) => {
      const out: string[] = [];
      fit(make(), data, { loss: 'binaryCrossEntropy', optimizer: 'sgd', epochs: 2, quiet: q, progressStream: { isTTY, columns: 80, write: (s: string) => out.push(s) } });
      return out.join('');
    };
    const tty = writes(true, false);
    expect(tty).toMatch(/\repoch 1\/2 █+ 4\/4 loss \d\.\d{4}/);
    expect(tty).toMatch(/epoch 2\/2 loss \d\.\d{4}  accuracy \d\.\d{4}  \d+\.\d{2}s\s*\n$/);
    expect(writes(false, false)).toBe('');
    expect(writes(true, true)).toBe('');
  });

  it('stops with a warning when the loss diverges to NaN or Infinity', () => {
    const model = mlp({ sizes: [1, 8, 1], hidden: 'relu', seed: 1 });
    const warnings: string[] = [];
    const r = fit(model, sine({ n: 64, seed: 1 }), { loss: 'mse', optimizer: new SGD(model, { lr: 1e6 }), epochs: 20, onWarning: (m) => warnings.push(m), ...quiet });
    expect(r.stopReason).toBe('nan');
    expect(r.history.length).toBeLessThan(20);
    expect(warnings[0]).toMatch(/^fit: the loss became (NaN|Infinity) in epoch \d+; training stopped/);
  });
});

describe('bad data is refused before training starts', () => {
  const model = mlp({ sizes: [2, 4, 3], output: 'softmax', seed: 1 });
  const opts = { loss: 'crossEntropy', optimizer: 'sgd', ...quiet };
  const x = Array.from({ length: 5 }, (_, i) => [i, -i]);
  const y = [0, 1, 2, 1, 0];
  const cases: [string, { x: unknown; y: unknown }, string | RegExp][] = [
    ['NaN', { x: x.map((r, i) => (i === 3 ? [r[0], NaN] : r)), y }, 'fit: NaN in x at row 3, column 1'],
    ['NaN target', { x, y: [0, 1, NaN, 1, 0] }, 'fit: NaN in y at row 2, column 0'],
    ['ragged', { x: [...x.slice(0, 4), [1, 2, 3]], y }, 'fit: x row 4 has 3 values but row 0 has 2 (ragged rows)'],
    ['count mismatch', { x, y: y.slice(0, 4) }, 'fit: x has 5 rows but y has 4'],
    ['empty', { x: [], y: [] }, 'fit: x is empty (0 rows × 0 columns)'],
    ['width', { x: x.map((r) => [...r, 0]), y }, 'fit: x has 3 features per row but the model expects 2'],
    ['labels ≥ classes', { x, y: [0, 1, 5, 1, 0] }, "fit: loss 'crossEntropy' expects labels < 3 (output units); got 5"],
  ];
  for (const [name, data, message] of cases) {
    it(name, () => {
      const before = Array.from(model.parameters()[0].data.data);
      expect(() => fit(model, data as Dataset, opts)).toThrow(message);
      expect(Array.from(model.parameters()[0].data.data)).toEqual(before);
    });
  }

  it('validation data and options are checked too', () => {
    expect(() => fit(model, { x, y }, { ...opts, validation: { x: [[1, 2]], y: [0, 1] } })).toThrow('fit: validation x has 1 rows but validation y has 2');
    const other = mlp({ sizes: [2, 4, 3], output: 'softmax', seed: 1 });
    expect(() => fit(model, { x, y }, { ...opts, optimizer: new SGD(other) })).toThrow(/^fit: the optimizer holds none of this model's parameters/);
    expect(() => fit(model, { x, y }, { ...opts, epochs: 0 })).toThrow('fit: epochs must be an integer ≥ 1; got 0');
    expect(() => fit(model, { x, y }, { ...opts, batchSize: 2.5 })).toThrow('fit: batchSize must be an integer ≥ 1; got 2.5');
    expect(() => predict(model, [[1, 2, 3]])).toThrow('predict: x has 3 features per row but the model expects 2');
    expect(() => evaluate(model, { x, y: [0, 1] }, { loss: 'crossEntropy' })).toThrow('evaluate: x has 5 rows but y has 2');
  });
});
