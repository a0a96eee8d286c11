import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDataFiles } from '../src/data-files.js';
import { settingsFor } from '../src/spec.js';
import { epochOrder, glorotUniform, makeMoons, shuffleInPlace, w1Data, w2Data, w3Operands } from '../src/data.js';

const isPermutation = (order: Int32Array) => [...order].sort((a, b) => a - b).every((v, i) => v === i);

describe('makeMoons', () => {
  it('gives n points, half per moon, shuffled', () => {
    const { x, y, n } = makeMoons(1000, 0.1, 'anchors/w1/data');
    expect(n).toBe(1000);
    expect(x.length).toBe(2000);
    expect(y.reduce((a, b) => a + b, 0)).toBe(500);
    // Unshuffled, the first 500 labels would all be 0.
    expect(y.subarray(0, 500).some((v) => v === 1)).toBe(true);
  });

  it('puts noise-free points on their half circles', () => {
    const { x, y, n } = makeMoons(101, 0, 'seed');
    expect(y.reduce((a, b) => a + b, 0)).toBe(51); // n_in = n − ⌊n/2⌋
    for (let i = 0; i < n; i++) {
      const px = x[2 * i]!, py = x[2 * i + 1]!;
      // outer: (cos t, sin t); inner: (1 − cos t, 0.5 − sin t), t ∈ [0, π]
      const r = y[i] === 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5);
      expect(r).toBeCloseTo(1, 5);
      expect(y[i] === 0 ? py >= -1e-6 : py <= 0.5 + 1e-6).toBe(true);
    }
  });

  it('is fixed by its seed', () => {
    const a = makeMoons(200, 0.1, 's1');
    expect(makeMoons(200, 0.1, 's1')).toEqual(a);
    expect(makeMoons(200, 0.1, 's2').x).not.toEqual(a.x);
  });

  it('adds noise of the requested spread', () => {
    const clean = makeMoons(1000, 0, 'noise');
    const noisy = makeMoons(1000, 0.1, 'noise');
    let sq = 0;
    for (let i = 0; i < clean.x.length; i++) sq += (noisy.x[i]! - clean.x[i]!) ** 2;
    expect(Math.sqrt(sq / clean.x.length)).toBeGreaterThan(0.09);
    expect(Math.sqrt(sq / clean.x.length)).toBeLessThan(0.11);
  });
});

describe('glorotUniform', () => {
  it('draws [in, out] weights within ±√(6/(in+out)) with zero biases', () => {
    const layers = glorotUniform([784, 256, 10], 'init');
    expect(layers.map((l) => [l.inFeatures, l.outFeatures, l.weight.length, l.bias.length])).toEqual([
      [784, 256, 784 * 256, 256],
      [256, 10, 2560, 10],
    ]);
    for (const { inFeatures, outFeatures, weight, bias } of layers) {
      const limit = Math.sqrt(6 / (inFeatures + outFeatures));
      let sumSq = 0;
      let maxAbs = 0;
      for (const w of weight) {
        maxAbs = Math.max(maxAbs, Math.abs(w));
        sumSq += w * w;
      }
      expect(maxAbs).toBeLessThan(limit);
      expect(maxAbs).toBeGreaterThan(0.99 * limit);
      // U(−l, l) has variance l²/3.
      expect(sumSq / weight.length).toBeCloseTo(limit ** 2 / 3, 2);
      expect(bias.every((b) => b === 0)).toBe(true);
    }
  });

  it('is fixed by its seed', () => {
    expect(glorotUniform([2, 16, 1], 'a')).toEqual(glorotUniform([2, 16, 1], 'a'));
    expect(glorotUniform([2, 16, 1], 'a')[0]!.weight).not.toEqual(glorotUniform([2, 16, 1], 'b')[0]!.weight);
  });
});

describe('sample order', () => {
  it('shuffles into a permutation', () => {
    const values = Int32Array.from({ length: 50 }, (_, i) => i);
    let state = 0;
    shuffleInPlace(values, () => ((state = (state * 9301 + 49297) % 233280) / 233280));
    expect(isPermutation(values)).toBe(true);
    expect([...values]).not.toEqual([...Array(50).keys()]);
  });

  it('gives each epoch its own reproducible permutation', () => {
    const e0 = epochOrder(1000, 'anchors/w1/shuffle', 0);
    expect(isPermutation(e0)).toBe(true);
    expect(epochOrder(1000, 'anchors/w1/shuffle', 0)).toEqual(e0);
    expect(epochOrder(1000, 'anchors/w1/shuffle', 1)).not.toEqual(e0);
  });

  it('lays out W1 orders epoch by epoch', () => {
    const { orders, moons, init } = w1Data(3);
    expect(orders.length).toBe(3 * moons.n);
    expect(orders.subarray(2 * moons.n)).toEqual(epochOrder(moons.n, 'anchors/w1/shuffle', 2));
    expect(init.map((l) => [l.inFeatures, l.outFeatures])).toEqual([[2, 16], [16, 16], [16, 1]]);
  });
});

describe('synthetic data', () => {
  it('W2: inputs in [0, 1), labels in [0, 10), all classes present', () => {
    const { x, labels, n, inputDim } = w2Data();
    expect(x.length).toBe(n * inputDim);
    expect(Math.min(...x.subarray(0, 10000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x.subarray(0, 10000))).toBeLessThan(1);
    expect(new Set(labels).size).toBe(10);
    expect(labels.every((l) => Number.isInteger(l) && l >= 0 && l < 10)).toBe(true);
  });

  it('W3: operands in [−1, 1), fixed per size', () => {
    const { a, b } = w3Operands(64);
    expect(a.length).toBe(4096);
    expect(a.every((v) => v >= -1 && v < 1)).toBe(true);
    expect(a).not.toEqual(b);
    expect(w3Operands(64).a).toEqual(a);
  });
});

describe('data files for the PyTorch runner', () => {
  it('writes each array as raw little-endian values with its shape in the manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actgrad-bench-'));
    try {
      const settings = settingsFor('quick');
      settings.w3.sizes = [64];
      const manifest = writeDataFiles(dir, settings);
      expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
      expect(manifest.w1_x).toEqual({ file: 'w1_x.bin', dtype: 'float32', shape: [1000, 2] });
      expect(manifest.w1_orders!.shape).toEqual([200, 1000]);
      expect(manifest.w2_labels!.dtype).toBe('int32');
      expect(Object.keys(manifest).filter((k) => k.startsWith('w2_init_w'))).toEqual(['w2_init_w0', 'w2_init_w1', 'w2_init_w2']);
      const bytes = readFileSync(join(dir, manifest.w3_a_64!.file));
      const onDisk = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      expect(onDisk).toEqual(w3Operands(64).a);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
