import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../src/cli/cli-args.js';
import { defaultThreads, runLabParallel } from '../src/lab/parallel.js';
import { planLab, runLab } from '../src/lab/run-lab.js';
import type { LabOptions, LabResult } from '../src/lab/types.js';
import { activationColor } from '../src/report/colors.js';
import { buildLabPage } from '../src/report/lab-page.js';
import { TASKS } from '../src/tasks.js';

function options(over: Partial<LabOptions> = {}): LabOptions {
  return {
    task: 'moons', hidden: ['relu', 'tanh', 'sigmoid'], outputs: ['sigmoid'], seeds: 2, seed: 42,
    settings: { ...TASKS.moons.defaults, epochs: 3 }, threshold: 0.9, deep: 0, deepHidden: ['sigmoid', 'relu'], ...over,
  };
}

/** A result without its wall-clock timings, which differ from run to run. */
function timeless(r: LabResult): unknown {
  return JSON.parse(JSON.stringify({ ...r, runs: r.runs.map((x) => ({ ...x, seconds: 0 })), deep: r.deep && { ...r.deep, runs: r.deep.runs.map((x) => ({ ...x, seconds: 0 })) } },
    (_, v) => (v instanceof Float32Array || v instanceof Uint8Array ? Array.from(v) : typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)));
}

describe('sweeps across worker threads', () => {
  it('give the serial result run for run, pictures and deep runs included, counting finished runs', async () => {
    const o = options({ deep: 3 });
    const serial = runLab(o);
    const counts: number[] = [];
    const parallel = await runLabParallel(o, { threads: 2, onRun: (done, total) => counts.push(done, total) });
    expect(parallel.runs).toHaveLength(6);
    expect(parallel.deep!.runs).toHaveLength(4);
    expect(timeless(parallel)).toEqual(timeless(serial));
    // Every finished run is counted once, in order, out of the whole sweep.
    expect(counts.filter((_, i) => i % 2 === 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(counts.filter((_, i) => i % 2 === 1))).toEqual(new Set([10]));
  });

  it("by default ('auto') keeps a short sweep in this thread and starts workers for a long one, with the serial result", async () => {
    const o = options();
    const serial = timeless(runLab(o));
    const used: number[] = [];
    const counts: number[] = [];
    // Six runs of three epochs take milliseconds: far below the 3 s that pay for a worker.
    const short = await runLabParallel(o, { onThreads: (n) => used.push(n), onRun: (done) => counts.push(done) });
    expect(used).toEqual([1]);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(timeless(short)).toEqual(serial);
    // With no serial time too short, the same sweep goes to the workers after its first two runs.
    counts.length = 0;
    const long = await runLabParallel(o, { autoParallelMs: 0, onThreads: (n) => used.push(n), onRun: (done) => counts.push(done) });
    expect(used[1]).toBe(Math.min(defaultThreads(), 4));
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(timeless(long)).toEqual(serial);
  });

  it('refuses a thread count that is not a whole number ≥ 1', async () => {
    await expect(runLabParallel(options(), { threads: 0 })).rejects.toThrow(/threads must be a whole number ≥ 1 or 'auto', got 0/);
    await expect(runLabParallel(options(), { threads: 1.5 })).rejects.toThrow(/got 1.5/);
  });

  it('reports a failing run as an error, not a hang', async () => {
    await expect(runLabParallel(options({ hidden: ['relu', 'noSuchActivation'] }), { threads: 2 })).rejects.toThrow(/noSuchActivation/);
  });
});

describe('hidden × output sweeps', () => {
  it('pairs every hidden activation with every output, labelled hidden → output', () => {
    const r = runLab(options({ hidden: ['relu', 'tanh'], outputs: ['sigmoid', 'tanh'], seeds: 1 }));
    expect(r.runs.map((x) => x.config)).toEqual(['relu → sigmoid', 'relu → tanh', 'tanh → sigmoid', 'tanh → tanh']);
    expect(r.runs.map((x) => x.output)).toEqual(['sigmoid', 'tanh', 'sigmoid', 'tanh']);
    expect(r.warnings).toEqual([]); // both outputs are in the notes' table for binary classification
  });

  it("'allowed' takes the outputs the notes' table lists for the task", () => {
    expect(parseLabArgs(['--output', 'allowed']).outputs).toEqual(['sigmoid', 'tanh']);
    expect(parseLabArgs(['--task', 'spirals', '--output', 'allowed']).outputs).toEqual(['softmax']);
    expect(parseLabArgs(['--task', 'signed-regression', '--output', 'allowed']).outputs).toEqual(['tanh']);
    expect(parseLabArgs(['--task', 'regression', '--output', 'allowed']).outputs).toEqual(['linear']);
  });

  it("'all' runs every workable pairing with its warning and skips the rest with the reason", () => {
    const o = options({ task: 'signed-regression', hidden: ['relu'], outputs: parseLabArgs(['--task', 'signed-regression', '--output', 'all']).outputs, seeds: 1, settings: { ...TASKS['signed-regression'].defaults, epochs: 1 } });
    const plan = planLab(o);
    const skipped = new Map(plan.skipped.map((s) => [s.output, s.reason]));
    expect(skipped.get('softmax')).toMatch(/single unit always gives 1/);
    expect(skipped.get('sigmoid')).toMatch(/produces values in \[0, 1\] but the targets span \[-1, 1\]/);
    const trained = new Set(plan.jobs.map((j) => j.output));
    expect(trained.has('tanh') && trained.has('linear') && trained.has('elu')).toBe(true);
    expect(trained.has('softmax') || trained.has('sigmoid')).toBe(false);
    expect(plan.warnings.join('\n')).toContain('the notes advise a tanh output for regression with targets in [−1, 1]; training with linear as asked.');
  });

  it('refuses a sweep with no workable output, with the reason', () => {
    expect(() => planLab(options({ task: 'regression', outputs: ['softmax'], settings: { ...TASKS.regression.defaults, epochs: 1 } }))).toThrow(/regression cannot train with output softmax/);
  });
});

describe('same-start mode', () => {
  it('starts every configuration of a seed from identical weights; the default initialises per activation', () => {
    const same = runLab(options({ sameStart: true }));
    const bySeed = (r: LabResult, seed: number) => r.runs.filter((x) => x.seed === seed).map((x) => x.initChecksum);
    for (const seed of [42, 43]) expect(new Set(bySeed(same, seed)).size).toBe(1);
    expect(bySeed(same, 42)[0]).not.toBe(bySeed(same, 43)[0]); // seeds still differ
    const own = runLab(options());
    // He for relu, Glorot for tanh and sigmoid: relu starts elsewhere.
    expect(bySeed(own, 42)[0]).not.toBe(bySeed(own, 42)[1]);
    // Same start, different activation, different outcome: the activation alone did that.
    expect(same.runs[0]!.trainLoss).not.toBe(same.runs[4]!.trainLoss);
  });
});

describe('the lab report', () => {
  it('draws each activation in its registry colour in every chart, and marks exactly the misclassified test points', async () => {
    const r = runLab(options({ seeds: 1 }));
    const html = await buildLabPage({ result: r, testPoints: r.testPoints, allActivations: ['relu', 'tanh', 'sigmoid'] });
    const section = (id: string) => new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html)![1]!;
    for (const id of ['activations', 'loss', 'gradients']) {
      for (const name of ['relu', 'tanh', 'sigmoid']) expect(section(id), `${name} in ${id}`).toContain(`stroke="${activationColor(name)}"`);
    }
    for (const [i, pic] of r.pictures.entries()) {
      const right = r.testPoints!.filter((p, j) => pic.predictedTest![j] === p.cls).length;
      expect(right / r.testPoints!.length).toBeCloseTo(r.runs[i]!.metric, 12);
    }
    const wrong = r.pictures.reduce((s, pic) => s + r.testPoints!.filter((p, j) => pic.predictedTest![j] !== p.cls).length, 0);
    expect(wrong).toBeGreaterThan(0); // 3 epochs: some mistakes to draw
    expect((section('boundaries').match(/M[^"]*"[^>]*stroke="black"/g) ?? []).length).toBe(wrong);
  });
});

describe('--threshold', () => {
  it('is checked against the task’s metric', () => {
    expect(parseLabArgs(['--threshold', '0.95']).threshold).toBe(0.95);
    expect(() => parseLabArgs(['--threshold', '97'])).toThrow('--threshold is a fraction for accuracy: 0.97 for 97%; got 97');
    expect(() => parseLabArgs(['--threshold', '0'])).toThrow('--threshold for moons (accuracy) must be in (0, 1]; got 0');
    expect(() => parseLabArgs(['--threshold', '150'])).toThrow('--threshold for moons (accuracy) must be in (0, 1]; got 150');
    expect(() => parseLabArgs(['--task', 'regression', '--threshold', '2'])).toThrow('--threshold for regression (R²) must be ≤ 1; got 2');
    expect(parseLabArgs(['--task', 'regression', '--threshold', '-0.5']).threshold).toBe(-0.5);
  });
});
