import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Adam, fit, loadCheckpointFile, mlp, moons, saveCheckpoint, saveCheckpoints, SGD, stateDictToJSON, type Checkpoint,
} from '../src/index.js';
import { BEFORE, data, fitOptions, makeModel, RUNS, TOTAL } from './fixtures/resume-runs.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const bytes = (m: ReturnType<typeof makeModel>) => stateDictToJSON(m).tensors;

describe('resuming from a checkpoint in a fresh process is bit-identical to never stopping', () => {
  it(`${BEFORE} + ${TOTAL - BEFORE} epochs equal ${TOTAL} for ${Object.keys(RUNS).join(', ')} (schedules, shuffling, validation split)`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'actgrad-resume-'));
    const full: Record<string, { weights: ReturnType<typeof bytes>; losses: number[]; lrs: number[]; stepCount: number }> = {};
    for (const [name, make] of Object.entries(RUNS)) {
      const model = makeModel();
      const r = fit(model, data(), { ...fitOptions(make(model)), epochs: TOTAL });
      full[name] = { weights: bytes(model), losses: r.series('loss'), lrs: r.series('lr'), stepCount: r.optimizer.stepCount };
      const first = makeModel();
      const part = fit(first, data(), { ...fitOptions(make(first)), epochs: BEFORE });
      await saveCheckpoint(part.checkpoint(), join(dir, `${name}.ckpt.json`));
    }
    const child = spawnSync(tsx, ['--conditions=source', join(here, 'fixtures/resume-child.ts'), dir], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    for (const name of Object.keys(RUNS)) {
      const out = JSON.parse(await readFile(join(dir, `${name}.out.json`), 'utf8'));
      // The full history: restored epochs from the checkpoint, then the resumed ones.
      expect(out.losses, name).toEqual(full[name].losses);
      expect(out.lrs, name).toEqual(full[name].lrs);
      expect(out.stepCount, name).toBe(full[name].stepCount);
      // Base64 of the IEEE-754 bytes: equal strings are equal bits.
      expect(out.weights, name).toEqual(full[name].weights);
    }
    // The schedules really change the rate across the resume point.
    expect(new Set(full.adam.lrs).size).toBe(TOTAL);
  }, 180_000);

  it('the same comparison fails without the optimizer state (so it can tell)', () => {
    for (const name of ['sgdMomentum', 'adam', 'rmsprop']) {
      const model = makeModel();
      fit(model, data(), { ...fitOptions(RUNS[name](model)), epochs: TOTAL });
      const first = makeModel();
      const part = fit(first, data(), { ...fitOptions(RUNS[name](first)), epochs: BEFORE });
      const ck = part.checkpoint();
      // Weights and shuffling restored, but the optimizer's moments zeroed and its step count reset.
      const blank = structuredClone(ck) as Checkpoint;
      blank.optimizer.stepCount = 0;
      for (const byName of Object.values(blank.optimizer.buffers)) for (const w of Object.values(byName)) w.data = Buffer.alloc(Buffer.byteLength(w.data as string, 'base64')).toString('base64');
      const again = makeModel();
      fit(again, data(), { ...fitOptions(RUNS[name](again)), epochs: TOTAL, resume: blank });
      expect(bytes(again), name).not.toEqual(bytes(model));
    }
  });
});

describe('the saveCheckpoints callback', () => {
  it('writes every few epochs and at the end; resuming from one continues exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'actgrad-ckcb-'));
    const model = makeModel();
    fit(model, data(), { ...fitOptions(RUNS.adam(model)), epochs: TOTAL, callbacks: [saveCheckpoints({ path: join(dir, 'run-{epoch}.json'), every: 3 })] });
    expect([3, 6, 7].map((e) => existsSync(join(dir, `run-${e}.json`)))).toEqual([true, true, true]);
    expect(existsSync(join(dir, 'run-2.json'))).toBe(false);
    const resumed = makeModel();
    const r = fit(resumed, data(), { ...fitOptions(RUNS.adam(resumed)), epochs: TOTAL, resume: await loadCheckpointFile(join(dir, 'run-3.json')) });
    expect(r.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(bytes(resumed)).toEqual(bytes(model));
  });
});

describe('a checkpoint that does not fit the run is refused before anything changes', () => {
  const make = () => {
    const model = makeModel();
    return { model, ck: fit(model, data(), { ...fitOptions(new Adam(model)), epochs: 1 }).checkpoint() };
  };

  it('other data, optimizer, hyper-parameters or architecture', () => {
    const { ck } = make();
    const cases: [string, () => void, string][] = [
      ['rows', () => { const m = makeModel(); fit(m, moons({ n: 60, seed: 1 }), { ...fitOptions(new Adam(m)), epochs: 2, resume: ck }); },
        'the run it was saved from trained on 80 rows; this data has 48'],
      ['type', () => { const m = makeModel(); fit(m, data(), { ...fitOptions(new SGD(m, { momentum: 0.9 })), epochs: 2, resume: ck }); },
        'optimizer: it is Adam state but the optimizer is SGD'],
      ['hyper', () => { const m = makeModel(); fit(m, data(), { ...fitOptions(new Adam(m, { betas: [0.8, 0.999] })), epochs: 2, resume: ck }); },
        'optimizer: beta1 was 0.9 but this Adam has 0.8'],
      ['architecture', () => { const m = mlp({ sizes: [2, 8, 8, 1], hidden: ['relu', 'tanh'], output: 'sigmoid' }); fit(m, data(), { ...fitOptions(new Adam(m)), epochs: 2, resume: ck }); },
        "weight unexpected 'layers.1.alpha'"],
    ];
    for (const [what, run, message] of cases) expect(run, what).toThrow(message);
  });

  it('leaves weights and optimizer state untouched when refusing', () => {
    const { ck } = make();
    const model = makeModel();
    const opt = new Adam(model);
    const before = bytes(model);
    const bad = structuredClone(ck) as Checkpoint;
    bad.shuffle.rng.S[0] = bad.shuffle.rng.S[1]; // not a permutation any more
    expect(() => fit(model, data(), { ...fitOptions(opt), epochs: 2, resume: bad })).toThrow(
      'fit: the checkpoint does not fit this run: the shuffling generator has an S that is not a permutation of 0…255',
    );
    expect(bytes(model)).toEqual(before);
    expect(opt.stepCount).toBe(0);
    // A negative second moment (no run makes one) would turn the next step's √v into NaN.
    const negative = structuredClone(ck) as Checkpoint;
    const v = negative.optimizer.buffers.v['layers.1.alpha'];
    v.data = Buffer.from(new Float32Array([-1e-3]).buffer).toString('base64');
    expect(() => fit(model, data(), { ...fitOptions(opt), epochs: 2, resume: negative })).toThrow(
      "fit: the checkpoint does not fit this run: optimizer: buffer 'v' of parameter 2 holds -0.0010000000474974513 at index 0; it is a running mean of squares and never negative",
    );
    expect(bytes(model)).toEqual(before);
    expect(() => fit(model, data(), { ...fitOptions(opt), resume: { ...ck, format: 'x' } as unknown as Checkpoint })).toThrow("fit: not an actgrad checkpoint (format 'x')");
  });
});
