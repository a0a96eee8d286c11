import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { Tensor } from '@actgrad/tensor';
import { fromOnnx, SUPPORTED_OPSETS, toOnnx } from '../src/index.js';
import { activationCases, modelWith, predict, randomInputs, runOrt, worstRelative } from './helpers.js';


/**
 * Activations whose ops ONNX Runtime 1.30's CPU provider has no float64 kernel for (the error
 * names the op), by test case: GELU's tanh form has no Erf and runs. Kept as a test so the
 * README's table stays true when ORT changes.
 */
const ORT_FLOAT64_MISSING: Record<number, Record<string, string>> = {
  17: { elu: 'Elu', selu: 'Selu', gelu: 'Erf', softplus: 'Softplus', silu: 'QuickGelu' },
  20: { elu: 'Elu', selu: 'Selu', gelu: 'Erf', softplus: 'Softplus', silu: 'QuickGelu', leakyRelu: 'LeakyRelu', prelu: 'PRelu' },
};

// ONNX float attributes are 32-bit, so these carry α (or SELU's constants) rounded to float32;
// so does ONNX Runtime's Gelu-20 with its tanh form's constants (6e-8 relative in float64).
const FLOAT_ATTRIBUTES = ['leakyRelu', 'elu', 'selu'];
const floatConstants = (label: string, opset: number) =>
  FLOAT_ATTRIBUTES.includes(label) || (opset >= 20 && label === 'gelu(approximate: tanh)');

describe('ONNX export matches onnxruntime-node', () => {
  for (const opset of [17, 20]) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of activationCases()) {
        const missing = dtype === 'float64' ? ORT_FLOAT64_MISSING[opset]![c.label] : undefined;
        it(`${c.label}, opset ${opset}, ${dtype}${missing ? ` (ORT lacks a float64 ${missing})` : ''}`, async () => {
          const model = modelWith(c, dtype);
          const x = randomInputs(200, 4, dtype);
          const bytes = toOnnx(model, { opset });
          if (missing) {
            await expect(runOrt(bytes, x)).rejects.toThrow(missing);
            return;
          }
          const got = await runOrt(bytes, x);
          expect(got).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
          const want = predict(model, x).data;
          expect(worstRelative(got, want)).toBeLessThan(dtype === 'float32' ? 1e-5 : floatConstants(c.label, opset) ? 1e-6 : 1e-12);
        });
      }
    }
  }

  it('silu runs in float64 once ORT stops fusing x·σ(x) into its float-only QuickGelu', async () => {
    const model = modelWith('silu', 'float64');
    const x = randomInputs(50, 4, 'float64');
    const got = await runOrt(toOnnx(model), x, { graphOptimizationLevel: 'disabled' });
    expect(worstRelative(got, predict(model, x).data)).toBeLessThan(1e-12);
  });

  it(`runs at every supported opset (${SUPPORTED_OPSETS.join(', ')})`, async () => {
    const model = modelWith('gelu', 'float32');
    const x = randomInputs(30, 4, 'float32');
    for (const opset of SUPPORTED_OPSETS) {
      expect(worstRelative(await runOrt(toOnnx(model, { opset }), x), predict(model, x).data), `opset ${opset}`).toBeLessThan(1e-5);
    }
  });

  it('PyTorch → ONNX → actgrad → ONNX → onnxruntime keeps PyTorch\'s outputs (per-feature PReLU, no-bias layer)', async () => {
    const dir = new URL('../fixtures/torch/', import.meta.url).pathname;
    for (const name of ['prelu-nobias-linear', 'gelu-silu-softplus-logsoftmax', 'leaky-elu-selu-sigmoid']) {
      const ref = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as { input: number[][]; output: number[][] };
      const model = fromOnnx(new Uint8Array(readFileSync(`${dir}${name}.onnx`)));
      const x = new Tensor(Float32Array.from(ref.input.flat()), [ref.input.length, 4]);
      for (const opset of [17, 20]) expect(worstRelative(await runOrt(toOnnx(model, { opset }), x), ref.output.flat()), `${name} opset ${opset}`).toBeLessThan(1e-5);
    }
  });

  it('names the input and output as asked, and can fix the batch size', async () => {
    const model = modelWith('relu', 'float32');
    const session = await ort.InferenceSession.create(toOnnx(model, { inputName: 'features', outputName: 'scores' }));
    expect([session.inputNames, session.outputNames]).toEqual([['features'], ['scores']]);
    const fixed = await ort.InferenceSession.create(toOnnx(model, { batch: 2 }));
    await expect(fixed.run({ input: new ort.Tensor('float32', new Float32Array(12), [3, 4]) })).rejects.toThrow(/dimension|Got: 3 Expected: 2/i);
    expect(() => toOnnx(model, { inputName: 'x', outputName: 'x' })).toThrow("toOnnx: input and output need different names (both 'x')");
  });

  it('keeps the batch dimension dynamic: one file runs batches of 1 and 333', async () => {
    const model = modelWith('tanh', 'float32');
    const bytes = toOnnx(model);
    for (const n of [1, 333]) {
      const x = randomInputs(n, 4, 'float32', n);
      const got = await runOrt(bytes, x);
      expect(got.length).toBe(n * 3);
      expect(worstRelative(got, predict(model, x).data)).toBeLessThan(1e-5);
    }
  });
});
