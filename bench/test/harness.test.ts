import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { formatRatio, formatValue, toMarkdown, type ResultRow, type Results } from '../src/report.js';
import { settingsFor } from '../src/spec.js';
import { interleave, median, summarize } from '../src/stats.js';

describe('stats', () => {
  it('takes the median of odd and even counts without reordering the input', () => {
    const values = [5, 1, 4];
    expect(median(values)).toBe(4);
    expect(values).toEqual([5, 1, 4]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarises with min and max', () => {
    expect(summarize([3, 9, 1, 7, 5])).toEqual({ median: 5, min: 1, max: 9, values: [3, 9, 1, 7, 5] });
  });

  it('alternates peers round by round', () => {
    const order = interleave(['A', 'B'], 3).map(({ peer, repetition }) => `${peer}${repetition}`);
    expect(order).toEqual(['A0', 'B0', 'A1', 'B1', 'A2', 'B2']);
  });
});

describe('parseArgs', () => {
  it('defaults to a quick run of every workload', () => {
    expect(parseArgs([])).toMatchObject({ mode: 'quick', only: ['w1', 'w2', 'w3', 'w4'], json: false, explicit: false });
  });

  it('reads --full, --only, --json and --reps', () => {
    expect(parseArgs(['--full', '--only', 'w3,w1', '--json', '--reps=3'])).toMatchObject({
      mode: 'full',
      only: ['w1', 'w3'],
      json: true,
      repetitions: 3,
      explicit: true,
    });
    expect(parseArgs(['--only=w2']).only).toEqual(['w2']);
    expect(parseArgs(['--peers', 'actgrad-js,torch-1t']).peers).toEqual(['actgrad-js', 'torch-1t']);
    expect(parseArgs(['--render', 'bench/results/full.json']).render).toBe('bench/results/full.json');
  });

  it('takes workload names as aliases: `pnpm bench matmul` is --only w3', () => {
    expect(parseArgs(['matmul']).only).toEqual(['w3']);
    expect(parseArgs(['--', 'tiny', 'activations']).only).toEqual(['w1', 'w4']);
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option "--fast"/);
    expect(() => parseArgs(['--only', 'w9'])).toThrow(/unknown workload "w9" \(valid: w1, w2, w3, w4/);
    expect(() => parseArgs(['--reps', '0'])).toThrow(/--reps needs a positive integer/);
    expect(() => parseArgs(['--only'])).toThrow(/--only needs a value/);
    expect(() => parseArgs(['--peers', 'tfjs-gpu'])).toThrow(/unknown runner "tfjs-gpu" \(valid: actgrad-js, actgrad-wasm, actgrad-wasm-1t, actgrad-native, actgrad-native-1t, actgrad-wasm-simd, actgrad-wasm-simd-1t, tfjs-cpu/);
  });
});

describe('settings', () => {
  it('full is the spec; quick trims timed windows but keeps all 200 epochs of W1', () => {
    const full = settingsFor('full');
    const quick = settingsFor('quick');
    expect(full.w1.epochs).toBe(200);
    expect(quick.w1.epochs).toBe(200);
    expect(full.w2).toMatchObject({ warmupSteps: 10, minTimedSteps: 50, minTimedSeconds: 2, wholePasses: true });
    expect(full.w3).toMatchObject({ sizes: [64, 256, 1024], warmupCalls: 2, minSamples: 3, maxTime: 1 });
    expect(quick.w2.minTimedSeconds).toBeLessThan(full.w2.minTimedSeconds);
  });
});

describe('report', () => {
  const row = (runner: string, label: string, c: string, metric: string, values: number[]): ResultRow => ({
    workload: c ? 'w3' : 'w1', case: c, metric, runner, label, backend: '', ...summarize(values),
  });
  const results = (rows: ResultRow[]): Results => ({
    date: '2026-01-01T00:00:00.000Z', mode: 'full', command: 'pnpm bench --full', reference: 'actgrad-js',
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 8, os: 'Linux', node: 'v20' },
    versions: { '@actgrad/tensor': '0.1.0' }, repetitions: { w1: 3 }, settings: {}, rows, notes: ['PyTorch skipped: test'],
  });

  it('formats figures to three significant digits and ratios with ×', () => {
    expect(formatValue('steps_per_s', 7712.4)).toBe('7,712');
    expect(formatValue('gflops', 0.5432)).toBe('0.543');
    expect(formatValue('elements_per_s', 123_400_000)).toBe('123');
    expect(formatValue('final_train_acc', 0.9712)).toBe('97.1%');
    expect(formatRatio(2)).toBe('2.00×');
    expect(formatRatio(0.0512)).toBe('0.051×');
    expect(formatRatio(Number.NaN)).toBe('—');
  });

  it('puts each peer beside actgrad with the ratio of medians', () => {
    const md = toMarkdown(results([
      row('actgrad-js', 'actgrad (js)', '', 'steps_per_s', [200, 180, 220]),
      row('tfjs-cpu', 'TF.js cpu', '', 'steps_per_s', [100, 90, 400]),
    ]));
    expect(md).toContain('Machine: Test CPU, 2 cores');
    expect(md).toContain('| actgrad (js) | 200 (180–220) |');
    expect(md).toContain('| TF.js cpu | 100 (90.0–400) | 2.00× |');
    expect(md).toContain('- PyTorch skipped: test');
  });

  it('names a runner that misses the W1 accuracy bar in any process', () => {
    const md = toMarkdown(results([
      row('actgrad-js', 'actgrad (js)', '', 'final_train_acc', [0.99, 0.98]),
      row('tfjs-cpu', 'TF.js cpu', '', 'final_train_acc', [0.99, 0.955, 0.99]),
    ]));
    expect(md).toContain('Accuracy bar (≥ 97% after 200 epochs): missed by TF.js cpu (lowest 95.5%).');
    const met = toMarkdown(results([row('actgrad-js', 'actgrad (js)', '', 'final_train_acc', [0.99, 0.98])]));
    expect(met).toContain('Accuracy bar (≥ 97% after 200 epochs): met by every runner in every process.');
  });

  it('lays W3 out a row per size and a column per runner', () => {
    const md = toMarkdown(results([
      row('actgrad-js', 'actgrad (js)', 'n=64', 'gflops', [3]),
      row('tfjs-cpu', 'TF.js cpu', 'n=64', 'gflops', [0.5]),
    ]));
    expect(md).toContain('| size | actgrad (js) | TF.js cpu | actgrad (js) ÷ TF.js cpu |');
    expect(md).toContain('| n=64 | 3.00 | 0.500 | 6.00× |');
  });
});
