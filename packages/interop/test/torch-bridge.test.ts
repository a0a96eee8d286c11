import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, parameter } from '@actgrad/autograd';
import { Activation, Linear, mlp, Sequential } from '@actgrad/nn';
import { keep, Tensor, tidy } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import { loadStateDict, loadTorchWeights, readSafetensors, toTorch, torchStateDict, writeSafetensors } from '../src/index.js';
import { modelWith, randomInputs, worstRelative } from './helpers.js';

const FIXTURES = new URL('../fixtures/torch/', import.meta.url).pathname;
const forward = (m: Sequential, x: Tensor) => tidy(() => noGrad(() => m.call(x).data.contiguous().data.slice()));
const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset + t.offset * t.data.BYTES_PER_ELEMENT, t.size * t.data.BYTES_PER_ELEMENT);

describe('safetensors reader and writer', () => {
  it('round-trips float32 and float64 bit for bit, specials included', () => {
    const f32 = new Float32Array([1.5, -0, Number.MIN_VALUE, 3.4e38, NaN, -Infinity, 1e-45]);
    const f64 = new Float64Array([Math.PI, -0, 5e-324, Number.MAX_VALUE, NaN, Infinity]);
    const dict = { 'a.weight': new Tensor(f32, [7]), 'b.bias': new Tensor(f64, [2, 3]) };
    const bytes = writeSafetensors(dict, { format: 'pt' });
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors['a.weight']!.dtype).toBe('float32');
    expect(tensors['b.bias']!.shape).toEqual([2, 3]);
    for (const k of Object.keys(dict) as (keyof typeof dict)[]) expect(bytesOf(tensors[k]!)).toEqual(bytesOf(dict[k]));
  });

  it('writes the layout the format specifies: u64 header length, JSON header, 8-byte aligned data', () => {
    const bytes = writeSafetensors({ w: new Tensor(new Float32Array([1, 2, 3]), [3]) });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)))).toEqual({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } });
    expect(Array.from(new Float32Array(bytes.slice(8 + n).buffer))).toEqual([1, 2, 3]);
  });

  it('reads a state dict PyTorch wrote and runs it as PyTorch did (within 1e-5)', () => {
    const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(`${FIXTURES}prelu-nobias-linear.safetensors`)));
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight', '1.weight', '2.weight', '3.weight', '4.bias', '4.weight']);
    expect(tensors['0.weight']!.shape).toEqual([8, 4]);
    expect(Array.from(tensors['1.weight']!.data)).toEqual([Math.fround(0.3)]);
    const alpha8 = parameter(keep(new Tensor(new Float32Array(8), [8])));
    const model = new Sequential([new Linear(4, 8), new Activation('prelu'), new Linear(8, 8, { bias: false }), new Activation('prelu', { alpha: alpha8 }), new Linear(8, 2)]);
    loadStateDict(model, tensors);
    const ref = JSON.parse(readFileSync(`${FIXTURES}prelu-nobias-linear.json`, 'utf8')) as { input: number[][]; output: number[][] };
    const x = new Tensor(Float32Array.from(ref.input.flat()), [ref.input.length, 4]);
    expect(worstRelative(forward(model, x), ref.output.flat())).toBeLessThan(1e-5);
  });

  it('refuses damaged files with a message saying what is wrong', () => {
    const good = writeSafetensors({ w: new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]) });
    expect(() => readSafetensors(good.subarray(0, 5))).toThrow('readSafetensors: 5 bytes is too short');
    expect(() => readSafetensors(good.subarray(0, good.length - 4))).toThrow(/tensor 'w' ends at byte 16 of the data, past its end \(12 bytes/);
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => readSafetensors(huge)).toThrow(/header length 1099511627776 runs past the end/);
    const header = (h: object) => {
      const json = new TextEncoder().encode(JSON.stringify(h));
      const out = new Uint8Array(8 + json.length + 16);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    expect(() => readSafetensors(header({ w: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }))).toThrow(/'w' has dtype "F16"; only F32 and F64/);
    expect(() => readSafetensors(header({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }))).toThrow(/needs 12 bytes; its offsets give 16/);
    expect(() => readSafetensors(header({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }), { maxParameters: 3 })).toThrow(/past 3 parameters/);
    expect(() => readSafetensors(header({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } })))
      .toThrow(/gap or overlap/);
  });
});

describe('toTorch and the way back', () => {
  it('writes PyTorch-layout weights under nn.Sequential names and a matching model.py', async () => {
    const model = mlp({ sizes: [3, 5, 4, 2], hidden: [{ activation: 'leakyRelu', options: { alpha: 0.2 } }, 'prelu'], output: 'softmax', seed: 3 });
    const dir = mkdtempSync(join(tmpdir(), 'actgrad-torch-'));
    const { safetensors, python } = await toTorch(model, dir);
    const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(safetensors)));
    expect(metadata.format).toBe('pt');
    expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight', '3.weight', '4.bias', '4.weight']);
    expect(tensors['0.weight']!.shape).toEqual([5, 3]);
    const w = (model.layers[0] as Linear).weight.data;
    expect(tensors['0.weight']!.data[1 * 3 + 2]).toBe(w.data[w.offset + 2 * 5 + 1]); // W_torch[o, i] = W_actgrad[i, o]
    const py = readFileSync(python, 'utf8');
    for (const m of ['nn.Linear(3, 5),  # 0', 'nn.LeakyReLU(negative_slope=0.2),  # 1', 'nn.PReLU(num_parameters=1),  # 3', 'nn.Softmax(dim=-1),  # 5']) expect(py).toContain(m);
    expect(py).toContain('CrossEntropyLoss');
    expect(py).toContain('DTYPE = torch.float32');
  });

  it('loads its own state dict back bit-exactly, float64 included', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const model = modelWith('prelu', dtype, 5);
      const dir = mkdtempSync(join(tmpdir(), 'actgrad-torch-'));
      await toTorch(model, dir);
      const fresh = modelWith('prelu', dtype, 99);
      await loadTorchWeights(fresh, join(dir, 'model.safetensors'));
      const x = randomInputs(20, 4, dtype);
      expect(Array.from(forward(fresh, x))).toEqual(Array.from(forward(model, x)));
    }
  });

  it('names a custom activation torch.nn has no module for', async () => {
    const { defineActivation } = await import('@actgrad/autograd');
    const cube = defineActivation({ name: 'cube', forward: (s) => s ** 3, derivative: ({ s }) => 3 * s * s });
    const model = new Sequential([new Linear(2, 2), new Activation(cube)]);
    await expect(toTorch(model, mkdtempSync(join(tmpdir(), 'actgrad-torch-')))).rejects.toThrow(
      "toTorch: layer 1 uses the custom activation 'cube', which has no torch.nn module; write it into model.py by hand",
    );
  });

  it('names a wrong shape, a missing and an unknown key', () => {
    const model = modelWith('tanh', 'float32');
    const dict = torchStateDict(model);
    expect(() => loadStateDict(model, { ...dict, '0.weight': new Tensor(new Float32Array(32), [4, 8]) }))
      .toThrow("loadStateDict: '0.weight' has shape [4, 8] but the model expects [8, 4] (PyTorch layout [out, in])");
    const { ['2.bias']: _, ...missing } = dict;
    expect(() => loadStateDict(model, missing)).toThrow("loadStateDict: '2.bias' is missing from the state dict");
    expect(() => loadStateDict(model, { ...dict, 'layers.0.weight': dict['0.weight']! })).toThrow("'layers.0.weight' is not a parameter of this model");
    expect(() => loadStateDict(model, { ...dict, '2.bias': new Tensor(new Float32Array([0, NaN, 0]), [3]) })).toThrow("loadStateDict: '2.bias' holds NaN at index 1");
  });
});
