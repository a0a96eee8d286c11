import { describe, expect, it } from 'vitest';
import { assertGradcheck, defineActivation, sigmoid, softmax, variable, type Variable } from '@actgrad/autograd';
import { randn, tensor, type Tensor } from '@actgrad/tensor';
import {
  binaryCrossEntropy, checkPairing, crossEntropy, evaluate, fit, mae, makeHead, mlp, mse, nll, predict, resolveLoss, trainStep, SGD,
} from '../src/index.js';

const v = (t: Tensor | number[][] | number[], requiresGrad = false): Variable => variable(t, { requiresGrad, dtype: 'float64' });
const f64 = (x: number[][] | number[]) => tensor(x, { dtype: 'float64' });

function gradOf(build: (z: Variable) => Variable, z0: Tensor): { loss: number; grad: number[] } {
  const z = variable(z0, { requiresGrad: true });
  const l = build(z);
  l.backward();
  return { loss: l.item(), grad: Array.from(z.grad!.contiguous().data) };
}

describe('loss values', () => {
  it('mse and mae average over all elements', () => {
    const p = v([[1, 2], [3, 4]]);
    const y = f64([[0, 2], [5, 4]]);
    expect(mse(p, y).item()).toBeCloseTo((1 + 0 + 4 + 0) / 4, 12);
    expect(mae(p, y).item()).toBeCloseTo((1 + 0 + 2 + 0) / 4, 12);
    // [n] targets against [n, 1] predictions are reshaped, not broadcast to [n, n].
    expect(mse(v([[1], [3]]), f64([0, 5])).item()).toBeCloseTo((1 + 4) / 2, 12);
    expect(binaryCrossEntropy.fromLogits!(v([[0], [0]]), f64([0, 1])).item()).toBeCloseTo(Math.log(2), 12);
    expect(() => mse(p, f64([[1, 2, 3], [4, 5, 6]]))).toThrow('mse: predictions of shape [2,2] and targets of shape [2,3] differ');
  });

  it('binaryCrossEntropy is −mean(y log p + (1 − y) log(1 − p))', () => {
    const p = [0.9, 0.2, 0.6];
    const y = [1, 0, 0.5];
    const want = -p.reduce((s, pi, i) => s + y[i] * Math.log(pi) + (1 - y[i]) * Math.log(1 - pi), 0) / 3;
    expect(binaryCrossEntropy(v([p]), f64([y])).item()).toBeCloseTo(want, 12);
  });

  it('crossEntropy takes labels or one-hot rows; nll reads log-probabilities', () => {
    const p = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]];
    const want = -(Math.log(0.2) + Math.log(0.8)) / 2;
    expect(crossEntropy(v(p), f64([1, 2])).item()).toBeCloseTo(want, 12);
    expect(crossEntropy(v(p), f64([[0, 1, 0], [0, 0, 1]])).item()).toBeCloseTo(want, 12);
    expect(nll(v(p.map((r) => r.map(Math.log))), f64([1, 2])).item()).toBeCloseTo(want, 12);
    // A column of labels [n, 1] is read as labels, not broadcast as a one-hot row.
    expect(crossEntropy(v(p), f64([[1], [2]])).item()).toBeCloseTo(want, 12);
    expect(crossEntropy.fromLogits!(v(p.map((r) => r.map(Math.log))), f64([[1], [2]])).item()).toBeCloseTo(want, 12);
  });

  it('resolves names and refuses unknown ones with the list', () => {
    expect(resolveLoss('mse')).toBe(mse);
    expect(() => resolveLoss('hinge')).toThrow("unknown loss 'hinge'; valid losses: mse, mae, binaryCrossEntropy, crossEntropy, nll");
  });
});

describe('fused heads', () => {
  const z0 = randn([6, 4], { seed: 3, dtype: 'float64' });
  const targets01 = f64(Array.from({ length: 6 }, (_, i) => [0, 1, 0.3, 1].map((t) => (i % 2 ? 1 - t : t))));
  const labels = f64([0, 3, 1, 2, 2, 0]);
  const onehot = f64([0, 3, 1, 2, 2, 0].map((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0))));

  it('match the unfused formula in value and gradient where it is finite', () => {
    const cases: [string, (z: Variable) => Variable, (z: Variable) => Variable][] = [
      ['bce', (z) => binaryCrossEntropy.fromLogits!(z, targets01), (z) => binaryCrossEntropy(sigmoid(z), targets01)],
      ['ce labels', (z) => crossEntropy.fromLogits!(z, labels), (z) => crossEntropy(softmax(z), labels)],
      ['ce one-hot', (z) => crossEntropy.fromLogits!(z, onehot), (z) => crossEntropy(softmax(z), onehot)],
    ];
    for (const [, fused, plain] of cases) {
      const a = gradOf(fused, z0);
      const b = gradOf(plain, z0);
      expect(a.loss).toBeCloseTo(b.loss, 10);
      a.grad.forEach((g, i) => expect(g).toBeCloseTo(b.grad[i], 10));
    }
  });

  it('pass a numerical gradient check (float64, random upstream gradient)', () => {
    assertGradcheck((z) => binaryCrossEntropy.fromLogits!(z, targets01), [z0]);
    assertGradcheck((z) => crossEntropy.fromLogits!(z, labels), [z0]);
    assertGradcheck((z) => crossEntropy.fromLogits!(z, onehot), [z0]);
    assertGradcheck((p) => mse(p, targets01), [z0]);
  });

  it('stay finite at logits ±1000 with the exact limits', () => {
    const bce = gradOf((z) => binaryCrossEntropy.fromLogits!(z, f64([[0, 1, 1, 0]])), f64([[1000, -1000, 1000, -1000]]));
    // softplus(z) − y·z: 1000, 1000, 0, 0 → mean 500; gradient (σ(z) − y)/4.
    expect(bce.loss).toBe(500);
    expect(bce.grad).toEqual([0.25, -0.25, 0, 0]);
    const ce = gradOf((z) => crossEntropy.fromLogits!(z, f64([1, 0])), f64([[1000, -1000, 0], [1000, -1000, 0]]));
    // Row 0: −log softmax = 2000; row 1: 0. Gradient (softmax − onehot)/2.
    expect(ce.loss).toBe(1000);
    expect(ce.grad).toEqual([0.5, -0.5, 0, 0, 0, 0]);
    // The unfused formula saturates: the clamp caps the loss and kills the gradient.
    const plain = gradOf((z) => binaryCrossEntropy(sigmoid(z), f64([[0]])), f64([[1000]]));
    expect(plain.grad[0]).toBe(0);
  });

  it('are chosen by fit/evaluate/trainStep for sigmoid+BCE and softmax+CE; predict still gives probabilities', () => {
    const bin = mlp({ sizes: [2, 3, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
    const multi = mlp({ sizes: [2, 3, 3], hidden: 'relu', output: 'softmax', seed: 1 });
    expect(makeHead(bin, 'binaryCrossEntropy').fused).toBe(true);
    expect(makeHead(multi, 'crossEntropy').fused).toBe(true);
    expect(makeHead(bin, 'mse').fused).toBe(false);
    const custom = defineActivation({ name: 'mySigmoid', forward: (s) => 1 / (1 + Math.exp(-s)), derivative: ({ a }) => a * (1 - a) });
    expect(makeHead(mlp({ sizes: [2, 1], output: custom }), 'binaryCrossEntropy').fused).toBe(false);

    // Push the output logit to +1000: the fused loss is exact and finite, the gradient too.
    const last = bin.linearLayers()[1];
    last.bias!.data.data[0] = 1000;
    const x = tensor([[0.5, -0.5], [1, 1]]);
    const y = tensor([0, 1]);
    expect(evaluate(bin, { x, y }, { loss: 'binaryCrossEntropy' }).loss).toBeCloseTo(500, 0);
    const l = trainStep(bin, x, y, { loss: 'binaryCrossEntropy', optimizer: new SGD(bin, { lr: 0 }) });
    expect(l).toBeCloseTo(500, 0);
    for (const p of bin.parameters()) for (const g of p.grad!.data) expect(Number.isFinite(g)).toBe(true);
    expect(last.bias!.grad!.data[0]).toBeCloseTo(0.5, 5); // (σ(1000) − 0 + σ(1000) − 1)/2
    expect(Array.from(predict(bin, x).data)).toEqual([1, 1]);
    const probs = predict(multi, x);
    for (let r = 0; r < 2; r++) expect(probs.data[3 * r] + probs.data[3 * r + 1] + probs.data[3 * r + 2]).toBeCloseTo(1, 6);
  });
});

describe('pairing checks (the notes\' use-scenario table)', () => {
  const info = (rows: number[][] | number[]) => {
    const m = (rows as (number | number[])[]).map((r) => (Array.isArray(r) ? r : [r]));
    return { data: m.flat(), rows: m.length, cols: m[0].length };
  };
  const errors = (out: string, units: number, loss: string, y: number[][] | number[]) =>
    checkPairing(out, units, resolveLoss(loss), info(y)).filter((i) => i.level === 'error').map((i) => i.message);
  const warnings = (out: string, units: number, loss: string, y: number[][] | number[]) =>
    checkPairing(out, units, resolveLoss(loss), info(y)).filter((i) => i.level === 'warning').map((i) => i.message);

  it('accepts the table\'s pairings', () => {
    expect(checkPairing('sigmoid', 1, binaryCrossEntropy, info([0, 1, 1]))).toEqual([]);
    expect(checkPairing('softmax', 3, crossEntropy, info([0, 2, 1]))).toEqual([]);
    expect(checkPairing('tanh', 1, mse, info([-1, 0.5, 1]))).toEqual([]);
    expect(checkPairing('linear', 1, mse, info([-10, 50]))).toEqual([]);
    expect(checkPairing('sigmoid', 1, mse, info([0, 0.3, 1]))).toEqual([]);
  });

  it('errors on what cannot work', () => {
    expect(errors('sigmoid', 1, 'mse', [0, 2])[0]).toMatch(/output 'sigmoid' produces values in \[0, 1\] but the targets span \[0, 2\]/);
    expect(errors('tanh', 1, 'mse', [-1, 1.5])[0]).toMatch(/output 'tanh' produces values in \[-1, 1\] but the targets span \[-1, 1.5\]/);
    expect(errors('softmax', 1, 'crossEntropy', [0, 0])[0]).toMatch(/softmax' over a single unit always gives 1/);
    expect(errors('softmax', 3, 'crossEntropy', [0, 5, 1])).toContain("loss 'crossEntropy' expects labels < 3 (output units); got 5");
    expect(errors('softmax', 3, 'crossEntropy', [0, 1.5])[0]).toMatch(/integer class labels ≥ 0; got 1.5 at row 1/);
    expect(errors('softmax', 3, 'crossEntropy', [[1, 0], [0, 1]])[0]).toMatch(/one-hot targets have 2 columns but the model has 3 output units/);
    expect(errors('linear', 3, 'crossEntropy', [0, 1])[0]).toMatch(/expects probabilities from a 'softmax' output; got 'linear'/);
    expect(errors('softmax', 3, 'nll', [0, 1])[0]).toMatch(/'nll' expects log-probabilities but the output is 'softmax'/);
    expect(errors('tanh', 1, 'binaryCrossEntropy', [0, 1])[0]).toMatch(/output 'tanh' is not bounded to \[0, 1\]/);
    expect(errors('sigmoid', 1, 'binaryCrossEntropy', [0, 3])[0]).toMatch(/expects targets in \[0, 1\]; got values in \[0, 3\]/);
    expect(errors('sigmoid', 2, 'mse', [0, 1])[0]).toMatch(/targets have 1 column but the model has 2 output units/);
  });

  it('warns on what trains badly', () => {
    expect(warnings('softmax', 3, 'mse', [[1, 0, 0], [0, 1, 0]])[0]).toMatch(/output 'softmax' with loss 'mse'/);
    expect(warnings('relu', 1, 'mse', [-1, 1])[0]).toMatch(/output 'relu' produces values in \[0, Infinity\]/);
  });

  it('fit throws the error before training and reports warnings', () => {
    const model = mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 });
    const before = Array.from(model.parameters()[0].data.data);
    expect(() => fit(model, { x: [[0, 0], [1, 1]], y: [0, 2] }, { loss: 'mse', optimizer: 'sgd', quiet: true })).toThrow(
      /^fit: output 'sigmoid' produces values in \[0, 1\] but the targets span \[0, 2\]/,
    );
    expect(Array.from(model.parameters()[0].data.data)).toEqual(before);
    const soft = mlp({ sizes: [2, 4, 3], output: 'softmax', seed: 1 });
    const seen: string[] = [];
    fit(soft, { x: [[0, 0], [1, 1]], y: [[1, 0, 0], [0, 0, 1]] }, { loss: 'mse', optimizer: 'sgd', epochs: 1, quiet: true, onWarning: (m) => seen.push(m) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^fit: output 'softmax' with loss 'mse'/);
  });
});
