import { describe, expect, it } from 'vitest';
import { loadModel, mlp, moons, fit, predict, type Sequential } from '../src/index.js';
import { makeRand, mutate } from './fuzz/mutate.js';

// Seeded mutations of valid model files. Each must either load into a model that predicts finite
// numbers, or be refused with an Error whose message starts with `loadModel:` (so it was the
// checks that spoke, not a crash from deep inside), within a time and memory bound.

const PER_MODEL = 200;
const MAX_PARAMETERS = 5_000;
/** Bytes a load may add in array buffers: every parameter twice as float64, plus slack for the backend. */
const MAX_ARRAY_BYTES = MAX_PARAMETERS * 16 + (1 << 20);

function files(): [string, string][] {
  const trained = mlp({ sizes: [2, 6, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
  fit(trained, moons({ n: 32, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: 'adam', epochs: 2, quiet: true });
  return [
    ['relu/sigmoid float32, trained', JSON.stringify(trained)],
    ['tanh float64', JSON.stringify(mlp({ sizes: [3, 4, 2], hidden: 'tanh', output: 'linear', dtype: 'float64', seed: 2 }))],
    ['leaky/elu/softmax', JSON.stringify(mlp({
      sizes: [2, 5, 4, 3], hidden: [{ activation: 'leakyRelu', options: { alpha: 0.2 } }, { activation: 'elu', options: { alpha: 0.5 } }],
      output: 'softmax', seed: 3,
    }))],
    ['prelu', JSON.stringify(mlp({ sizes: [2, 3, 1], hidden: 'prelu', output: 'tanh', seed: 4 }))],
  ];
}

function maxAbsWeight(model: Sequential): number {
  let m = 0;
  for (const p of model.parameters()) for (const v of p.data.data) m = Math.max(m, Math.abs(v));
  return m;
}

describe('model-file loader fuzz', () => {
  it(`every one of ${PER_MODEL} mutations per file loads and predicts, or is refused by name`, () => {
    const counts = { tried: 0, loaded: 0, loadedExtreme: 0, refused: 0 };
    const reasons = new Map<string, number>();
    let slowest = 0;
    for (const [name, text] of files()) {
      expect(predict(loadModel(text), [[0.1, 0.2, 0.3].slice(0, JSON.parse(text).config.layers[0].inFeatures)]).size).toBeGreaterThan(0);
      const r = makeRand(`fuzz:${name}`);
      for (let i = 0; i < PER_MODEL; i++) {
        const { input, label } = mutate(r, text);
        const where = `${name} #${i} (${label})`;
        counts.tried++;
        const before = process.memoryUsage().arrayBuffers;
        const t0 = performance.now();
        let model: Sequential | undefined;
        try {
          model = loadModel(input as string, { maxParameters: MAX_PARAMETERS });
        } catch (err) {
          expect(err, where).toBeInstanceOf(Error);
          const message = (err as Error).message;
          expect(message, where).toMatch(/^loadModel: \S/);
          counts.refused++;
          const reason = message.replace(/'[^']*'|\[[^\]]*\]|-?\d[\d.e+]*/g, '…').slice(0, 70);
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
        slowest = Math.max(slowest, performance.now() - t0);
        expect(process.memoryUsage().arrayBuffers - before, where).toBeLessThan(MAX_ARRAY_BYTES);
        if (!model) continue;
        counts.loaded++;
        expect(model.parameterCount(), where).toBeLessThanOrEqual(MAX_PARAMETERS);
        const x = Array.from({ length: 4 }, (_, k) => Array.from({ length: model.inFeatures }, (_, j) => Math.sin(k * 7 + j)));
        const y = predict(model, x).data;
        if (y.every(Number.isFinite)) continue;
        // Finite weights can still overflow float arithmetic when a mutation made one enormous.
        counts.loadedExtreme++;
        expect(maxAbsWeight(model), `${where}: non-finite prediction from ordinary weights`).toBeGreaterThan(1e18);
      }
    }
    console.log(`model-file fuzz: ${counts.tried} mutations tried: ${counts.loaded} loaded (${counts.loadedExtreme} of them `
      + `with weights > 1e18 that overflow), ${counts.refused} refused (${reasons.size} distinct messages); slowest load ${slowest.toFixed(1)} ms; most common:`);
    console.log([...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([m, n]) => `  ${String(n).padStart(4)}  ${m}`).join('\n'));
    expect(counts.tried).toBe(4 * PER_MODEL);
    // A fuzzer whose mutations all bounce off one check, or all pass, tests little: both must occur.
    expect(counts.refused).toBeGreaterThan(counts.tried / 4);
    expect(counts.loaded).toBeGreaterThan(10);
    expect(reasons.size).toBeGreaterThan(15);
    expect(slowest).toBeLessThan(1000); // a hang guard, not a speed claim
  });
});
