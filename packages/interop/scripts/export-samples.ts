// Writes one ONNX file per built-in activation, opset and dtype into the directory given
// (default /tmp/actgrad-onnx-samples), for check-onnx.py. Run:
//   npx tsx --conditions=source packages/interop/scripts/export-samples.ts [dir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { activations } from '@actgrad/autograd';
import { Activation, Linear, Sequential } from '@actgrad/nn';
import { saveOnnx } from '../src/index.js';

const dir = process.argv[2] ?? '/tmp/actgrad-onnx-samples';
mkdirSync(dir, { recursive: true });
for (const opset of [17, 20]) {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const name of Object.keys(activations)) {
      const model = new Sequential([new Linear(4, 8, { dtype }), new Activation(name), new Linear(8, 3, { dtype }), new Activation(name)]);
      await saveOnnx(model, join(dir, `${name}-opset${opset}-${dtype}.onnx`), { opset });
    }
  }
}
console.log(`wrote ${Object.keys(activations).length * 4} models to ${dir}`);
