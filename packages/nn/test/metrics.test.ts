import { describe, expect, it } from 'vitest';
import { accuracy, evaluate, meanAbsoluteError, meanSquaredError, mlp, moons, predict, r2Score, resolveMetric } from '../src/index.js';

describe('metrics', () => {
  it('accuracy: argmax against labels or one-hot rows; threshold 0.5 (or 0 for ±1 targets) for one output', () => {
    const probs = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.4, 0.5, 0.1], [0.3, 0.3, 0.4]];
    expect(accuracy(probs, [0, 2, 0, 2])).toBe(0.75);
    expect(accuracy(probs, [[1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]])).toBe(0.75);
    expect(accuracy([[0.9], [0.4], [0.51], [0.2]], [1, 0, 0, 0])).toBe(0.75);
    expect(accuracy([[0.3], [-0.2], [0.1]], [1, -1, -1])).toBeCloseTo(2 / 3, 12);
  });

  it('mse, mae and R² match their definitions', () => {
    const y = [1, 2, 3, 4];
    const p = [1.5, 2, 2, 4];
    expect(meanSquaredError(p, y)).toBeCloseTo((0.25 + 0 + 1 + 0) / 4, 12);
    expect(meanAbsoluteError(p, y)).toBeCloseTo((0.5 + 0 + 1 + 0) / 4, 12);
    // SS_res = 1.25, SS_tot = 5 (mean 2.5)
    expect(r2Score(p, y)).toBeCloseTo(1 - 1.25 / 5, 12);
    expect(r2Score(y, y)).toBe(1);
    // Two outputs: R² per column, averaged.
    expect(r2Score([[1, 0], [2, 0], [3, 0]], [[1, 1], [2, 2], [3, 3]])).toBeCloseTo((1 + (1 - 14 / 2)) / 2, 12);
    expect(() => meanSquaredError([[1, 2]], [[1]])).toThrow('meanSquaredError: pred has 2 columns but target has 1');
    expect(() => resolveMetric('f1' as 'mse')).toThrow("unknown metric 'f1'; valid metrics: accuracy, mse, mae, r2");
  });
});

describe('evaluate and predict record no graph', () => {
  it('leave gradients untouched and give plain tensors', () => {
    const model = mlp({ sizes: [2, 4, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
    const data = moons({ n: 20, seed: 1 });
    const res = evaluate(model, data, { loss: 'binaryCrossEntropy', metrics: ['accuracy', 'mse', 'mae', 'r2'] });
    expect(Object.keys(res)).toEqual(['loss', 'accuracy', 'mse', 'mae', 'r2']);
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    const p = predict(model, data.x);
    expect(p.shape).toEqual([20, 1]);
    expect(res.mse).toBeCloseTo(meanSquaredError(p, data.y.reshape([20, 1])), 6);
    expect(res.accuracy).toBe(accuracy(p, data.y.reshape([20, 1])));
    // Without a loss: metrics only, chosen from the output activation.
    expect(evaluate(model, data)).toEqual({ accuracy: res.accuracy });
    const reg = mlp({ sizes: [2, 3, 1], seed: 1 });
    expect(Object.keys(evaluate(reg, { x: data.x, y: data.y.reshape([20, 1]) }))).toEqual(['r2']);
  });
});
