import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { toOnnx } from '../src/index.js';
import { activationCases, modelWith, predict, randomInputs, worstRelative } from './helpers.js';

// onnxruntime-web's WebAssembly backend, the one browsers run, here in Node: single-threaded,
// so no worker or SharedArrayBuffer is involved.
ort.env.wasm.numThreads = 1;

describe('ONNX export runs in onnxruntime-web (wasm)', () => {
  for (const opset of [17, 20]) {
    it(`every activation at opset ${opset}, float32, within 1e-5 of predict`, async () => {
      const x = randomInputs(100, 4, 'float32');
      const worst: Record<string, number> = {};
      for (const c of activationCases()) {
        const model = modelWith(c, 'float32');
        const session = await ort.InferenceSession.create(toOnnx(model, { opset }));
        const out = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, x.shape) });
        worst[c.label] = worstRelative(out.output!.data as Float32Array, predict(model, x).data);
      }
      expect(Object.keys(worst).length).toBeGreaterThanOrEqual(13);
      for (const [label, w] of Object.entries(worst)) expect(w, label).toBeLessThan(1e-5);
    });
  }
});
