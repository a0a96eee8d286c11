import { describe, expect, it } from 'vitest';
import { variable } from '@actgrad/autograd';
import {
  binaryCrossEntropy, earlyStopping, fit, Linear, mlp, moons, SGD, snapshotWeights, type Callback, type LayerHealth,
} from '../src/index.js';

const data = moons({ n: 64, noise: 0.2, seed: 1 });

function healthAfterOneEpoch(model: ReturnType<typeof mlp>, lr = 0): LayerHealth[] {
  let seen: LayerHealth[] = [];
  const probe: Callback = { onEpochEnd: (_log, ctx) => (seen = ctx.health()) };
  fit(model, data, { loss: 'binaryCrossEntropy', optimizer: new SGD(model, { lr }), epochs: 1, callbacks: [probe], quiet: true, healthSamples: 64 });
  return seen;
}

describe('per-layer health seen by callbacks', () => {
  it('counts dead ReLU units: biases forced negative kill exactly those units', () => {
    const model = mlp({ sizes: [2, 8, 8, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
    const first = model.linearLayers()[0];
    for (const j of [0, 2, 5]) first.bias!.data.data[j] = -100; // |x| < 3 here, so s < 0 always
    const h = healthAfterOneEpoch(model);
    expect(h.map((l) => l.activation)).toEqual(['relu', 'relu', 'sigmoid']);
    expect(h[0].deadFraction).toBe(3 / 8);
    expect(h[2].deadFraction).toBeNull();
    expect(h[0].saturatedFraction).toBeNull();
  });

  it('measures saturation of sigmoid/tanh units: 0 with zero weights, ≈1 with huge ones', () => {
    const calm = mlp({ sizes: [2, 8, 1], hidden: 'tanh', output: 'sigmoid', init: ['zeros', 'glorotUniform'], seed: 1 });
    expect(healthAfterOneEpoch(calm)[0].saturatedFraction).toBe(0);
    const hot = mlp({ sizes: [2, 8, 1], hidden: 'sigmoid', output: 'sigmoid', seed: 1 });
    const w = hot.linearLayers()[0].weight.data.data;
    for (let i = 0; i < w.length; i++) w[i] = w[i] > 0 ? 500 : -500;
    const h = healthAfterOneEpoch(hot);
    expect(h[0].saturatedFraction).toBeGreaterThan(0.95);
    // Saturated units pass almost no gradient back to the first layer.
    expect(h[0].gradNorm).toBeLessThan(1e-3 * h[1].gradNorm);
  });

  it('gradNorm is the norm of ∂loss/∂W on the probe batch', () => {
    const model = mlp({ sizes: [2, 4, 1], hidden: 'tanh', output: 'sigmoid', seed: 2 });
    const h = healthAfterOneEpoch(model);
    // Recompute by hand: whole set (healthSamples ≥ n) through logits and the fused loss.
    model.zeroGrad();
    const loss = binaryCrossEntropy.fromLogits!(model.forwardLogits(variable(data.x)), data.y.reshape([64, 1]));
    loss.backward();
    model.linearLayers().forEach((layer: Linear, i) => {
      const g = layer.weight.grad!.data;
      expect(h[i].gradNorm).toBeCloseTo(Math.sqrt(Array.from(g).reduce((s, v) => s + v * v, 0)), 6);
    });
  });

  it('can be recorded in every epoch log with health: true', () => {
    const model = mlp({ sizes: [2, 4, 1], hidden: 'relu', output: 'sigmoid', seed: 2 });
    const r = fit(model, data, { loss: 'binaryCrossEntropy', optimizer: 'sgd', epochs: 2, health: true, quiet: true });
    expect(r.history.every((h) => h.health?.length === 2)).toBe(true);
  });
});

describe('callbacks and early stopping', () => {
  it('calls the hooks in order and stops when asked', () => {
    const calls: string[] = [];
    const cb: Callback = {
      onTrainBegin: () => calls.push('begin'),
      onEpochEnd: (log, ctx) => {
        calls.push(`epoch ${log.epoch}`);
        if (log.epoch === 1) ctx.stop('enough');
      },
      onTrainEnd: () => calls.push('end'),
    };
    const model = mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 });
    const r = fit(model, data, { loss: 'binaryCrossEntropy', optimizer: 'sgd', epochs: 10, callbacks: [cb], quiet: true });
    expect(calls).toEqual(['begin', 'epoch 0', 'epoch 1', 'end']);
    expect(r.stopReason).toBe('callback');
    expect(r.stopMessage).toBe('enough');
  });

  it('stops after `patience` epochs without improvement', () => {
    const model = mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 });
    const es = earlyStopping({ monitor: 'loss', patience: 2 });
    // lr 0: the loss never changes, so epoch 0 stays the best.
    const r = fit(model, data, { loss: 'binaryCrossEntropy', optimizer: new SGD(model, { lr: 0 }), epochs: 10, callbacks: [es], quiet: true });
    expect(r.history).toHaveLength(3);
    expect([es.bestEpoch, es.stoppedEpoch]).toEqual([0, 2]);
    expect(r.stopMessage).toMatch(/early stopping: loss did not improve for 2 epochs/);
  });

  it('restores the weights of the best epoch of the monitored validation loss', () => {
    const model = mlp({ sizes: [2, 32, 32, 1], hidden: 'relu', output: 'sigmoid', seed: 3 });
    const perEpoch: Float32Array[][] = [];
    const recorder: Callback = { onEpochEnd: (_l, ctx) => void perEpoch.push(snapshotWeights(ctx.model) as Float32Array[]) };
    const es = earlyStopping({ patience: 3 });
    const val = moons({ n: 40, noise: 0.35, seed: 9 });
    const r = fit(model, moons({ n: 40, noise: 0.35, seed: 8 }), {
      loss: 'binaryCrossEntropy', optimizer: new SGD(model, { lr: 0.5, momentum: 0.9 }), epochs: 60, batchSize: 8,
      validation: val, callbacks: [recorder, es], quiet: true,
    });
    const vl = r.series('valLoss');
    expect(es.bestEpoch).toBe(vl.indexOf(Math.min(...vl)));
    expect(es.bestEpoch).toBeLessThan(r.history.length - 1); // the test means something only then
    expect(snapshotWeights(model)).toEqual(perEpoch[es.bestEpoch]);
  });

  it('maximises accuracy-like monitors in auto mode', () => {
    const model = mlp({ sizes: [2, 16, 1], hidden: 'relu', output: 'sigmoid', seed: 3 });
    const es = earlyStopping({ monitor: 'valAccuracy', patience: 50 });
    const r = fit(model, data, { loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.02, epochs: 8, validation: data, callbacks: [es], quiet: true });
    const acc = r.series('valAccuracy');
    expect(es.best).toBe(Math.max(...acc));
    expect(es.bestEpoch).toBe(acc.indexOf(Math.max(...acc)));
    expect(es.best).toBeGreaterThan(acc[0]); // it improved, so 'min' would have picked epoch 0
  });

  it('names the available values when the monitor is unknown', () => {
    const model = mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 });
    expect(() =>
      fit(model, data, { loss: 'binaryCrossEntropy', optimizer: 'sgd', epochs: 1, callbacks: [earlyStopping({ monitor: 'valAcc' })], quiet: true }),
    ).toThrow("earlyStopping: no value 'valAcc' in the epoch log; available: loss, lr, seconds, epoch, accuracy");
  });
});
