import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { w1Data, w2Data, w3Operands, w4Operands } from './data.js';
import type { LayerInit, WorkloadSettings } from './spec.js';

/** A raw little-endian array on disk, as NumPy's `fromfile` reads it. */
export interface ArrayFile {
  file: string;
  dtype: 'float32' | 'int32';
  shape: number[];
}

export type Manifest = Record<string, ArrayFile>;

/**
 * Writes the data, initial weights and sample order every JavaScript peer generates in-process, so
 * the Python runner trains on exactly the same numbers in the same order. Returns the manifest,
 * which is also written beside the arrays as manifest.json.
 */
export function writeDataFiles(dir: string, settings: WorkloadSettings): Manifest {
  mkdirSync(dir, { recursive: true });
  const manifest: Manifest = {};
  const put = (name: string, array: Float32Array | Int32Array, shape: number[]) => {
    const file = `${name}.bin`;
    writeFileSync(join(dir, file), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    manifest[name] = { file, dtype: array instanceof Float32Array ? 'float32' : 'int32', shape };
  };
  const putLayers = (prefix: string, layers: LayerInit[]) =>
    layers.forEach((layer, l) => put(`${prefix}_w${l}`, layer.weight, [layer.inFeatures, layer.outFeatures]));

  const w1 = w1Data(settings.w1.epochs);
  put('w1_x', w1.moons.x, [w1.moons.n, 2]);
  put('w1_y', w1.moons.y, [w1.moons.n, 1]);
  put('w1_orders', w1.orders, [settings.w1.epochs, w1.moons.n]);
  putLayers('w1_init', w1.init);

  const w2 = w2Data();
  put('w2_x', w2.x, [w2.n, w2.inputDim]);
  put('w2_labels', w2.labels, [w2.n]);
  putLayers('w2_init', w2.init);

  for (const n of settings.w3.sizes) {
    const { a, b } = w3Operands(n);
    put(`w3_a_${n}`, a, [n, n]);
    put(`w3_b_${n}`, b, [n, n]);
  }

  const [rows, cols] = settings.w4.shape;
  const w4 = w4Operands(rows * cols);
  put('w4_x', w4.x, [rows, cols]);
  put('w4_grad', w4.grad, [rows, cols]);

  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}
