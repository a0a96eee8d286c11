import { evaluate, fit, mlp, moons, trainTestSplit } from '@actgrad/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activationColor, activationPlot, decisionBoundaryPlot, gradientNormPlot, htmlPage, lossCurvePlot, unitHealthPlot, type Histories,
} from '../src/index.js';

// The public plotting API, used as a user would: nn's fit with health records, then one SVG each.
describe('plots for your own models', () => {
  const { train, test } = trainTestSplit(moons({ n: 300, noise: 0.15, seed: 4 }), { testFraction: 0.3, seed: 4 });
  const models = { relu: mlp({ sizes: [2, 8, 8, 1], hidden: 'relu', output: 'sigmoid', seed: 4 }), tanh: mlp({ sizes: [2, 8, 8, 1], hidden: 'tanh', output: 'sigmoid', seed: 4 }) };
  const histories: Histories = {};
  beforeAll(() => {
    for (const [name, model] of Object.entries(models)) {
      histories[name] = fit(model, train, { loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.02, epochs: 6, batchSize: 32, seed: 4, validation: test, health: true, quiet: true }).history;
    }
  });

  it('draws activations and derivatives in their registry colours', async () => {
    const svg = await activationPlot(['relu', 'sigmoid']);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain(`stroke="${activationColor('relu')}"`);
    expect(svg).toContain(`stroke="${activationColor('sigmoid')}"`);
  });

  it('draws loss curves, gradient norms and unit health from fit histories', async () => {
    const loss = await lossCurvePlot(histories);
    expect(loss).toContain('validation loss');
    expect(loss).toContain(`stroke="${activationColor('tanh')}"`);
    const grads = await gradientNormPlot(histories);
    for (const panel of ['hidden 1', 'hidden 2', 'output layer']) expect(grads).toContain(panel);
    const health = await unitHealthPlot(histories);
    expect(health).toContain('dead units, hidden 1'); // relu
    expect(health).toContain('saturated units, hidden 2'); // tanh
  });

  it('asks for health records where they are missing', async () => {
    const plain = fit(mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 }), train, { loss: 'binaryCrossEntropy', optimizer: 'sgd', epochs: 1, quiet: true }).history;
    await expect(gradientNormPlot({ relu: plain })).rejects.toThrow("gradientNormPlot: history 'relu' has no health records; train with fit(..., { health: true })");
  });

  it('marks exactly the misclassified points on a decision boundary', async () => {
    const svg = await decisionBoundaryPlot(models.tanh, test.x, test.y);
    const { accuracy } = evaluate(models.tanh, test, { loss: 'binaryCrossEntropy' });
    const wrong = Math.round((1 - accuracy!) * test.y.size);
    expect((svg.match(/stroke="black"/g) ?? []).length).toBe(wrong);
    expect(svg).toContain('P(class 1)');
    await expect(decisionBoundaryPlot(models.tanh, train.x.reshape([-1, 1]), train.y)).rejects.toThrow('decisionBoundaryPlot: x must have shape [n, 2]');
  });

  it('puts SVGs on a self-contained page', async () => {
    const html = htmlPage({ title: 'My runs', sections: [{ title: 'Loss', svg: await lossCurvePlot(histories) }] });
    expect(html).toContain('<h2>Loss</h2>');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });
});
