import { describe, expect, it } from 'vitest';
import { Adam, fit, loadStateDictJSON, mlp, moons, stateDictToJSON, type Checkpoint, type Sequential } from '../src/index.js';
import { makeRand, mutate } from './fuzz/mutate.js';

// Seeded mutations of valid state-dict files and checkpoints, as for model files: each must load
// (into finite weights) or be refused with an Error from the checks (the message starts with the
// loader's name), and a refused load leaves the model's weights as they were.

const PER_FILE = 150;
const data = moons({ n: 40, seed: 1 });
const fresh = () => mlp({ sizes: [2, 5, 1], hidden: 'prelu', output: 'sigmoid', seed: 3 });
const bytes = (m: Sequential) => JSON.stringify(stateDictToJSON(m).tensors);
const finite = (m: Sequential) => m.parameters().every((p) => p.data.data.every(Number.isFinite));

function trained(): { model: Sequential; ck: Checkpoint } {
  const model = fresh();
  const r = fit(model, data, { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.01 }), epochs: 2, batchSize: 8, quiet: true });
  return { model, ck: r.checkpoint() };
}

describe('state-dict and checkpoint loader fuzz', () => {
  it(`${PER_FILE} mutations of a state dict each load or are refused by name, writing nothing when refused`, () => {
    const text = JSON.stringify(stateDictToJSON(trained().model));
    const r = makeRand('fuzz:state-dict');
    let refused = 0;
    for (let i = 0; i < PER_FILE; i++) {
      const { input, label } = mutate(r, text);
      const model = fresh();
      const before = bytes(model);
      try {
        loadStateDictJSON(model, input as string);
        expect(finite(model), `#${i} (${label})`).toBe(true);
      } catch (err) {
        expect(err, `#${i} (${label})`).toBeInstanceOf(Error);
        expect((err as Error).message, `#${i} (${label})`).toMatch(/^loadStateDict( \(Sequential\))?: \S/);
        expect(bytes(model), `#${i} (${label})`).toBe(before);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(PER_FILE / 3);
  });

  it(`${PER_FILE} mutations of a checkpoint each resume or are refused by name, writing nothing when refused`, () => {
    const text = JSON.stringify(trained().ck);
    const r = makeRand('fuzz:checkpoint');
    let refused = 0;
    for (let i = 0; i < PER_FILE; i++) {
      const { input, label } = mutate(r, text);
      const model = fresh();
      const before = bytes(model);
      let ck: unknown;
      try {
        ck = typeof input === 'string' ? JSON.parse(input) : input;
      } catch {
        continue; // broken JSON text is JSON.parse's to refuse (loadCheckpointFile wraps it)
      }
      try {
        // epochs = the checkpoint's 2: restore only. Training on from a finite but huge weight may
        // overflow, which is the weights' fault, not the loader's (as for model files).
        fit(model, data, { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.01 }), epochs: 2, batchSize: 8, quiet: true, resume: ck as Checkpoint });
        expect(finite(model), `#${i} (${label})`).toBe(true);
      } catch (err) {
        expect(err, `#${i} (${label})`).toBeInstanceOf(Error);
        expect((err as Error).message, `#${i} (${label})`).toMatch(/^(fit|Adam\.loadStateDict|loadStateDict \(Sequential\)): \S/);
        expect(bytes(model), `#${i} (${label})`).toBe(before);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(PER_FILE / 3);
  });
});
