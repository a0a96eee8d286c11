// Writes one ONNX file per built-in activation, opset and dtype into the directory given
// (default /tmp/actgrad-onnx-samples), for check-onnx.py. Run:
//   npx tsx --conditions=source packages/interop/scripts/export-samples.ts [dir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveOnnx } from '../src/index.js';
import { activationCases, modelWith } from '../test/helpers.js';

const dir = process.argv[2] ?? '/tmp/actgrad-onnx-samples';
mkdirSync(dir, { recursive: true });
for (const opset of [17, 20]) {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const c of activationCases()) {
      const label = c.label.replace(/[(): ]+/g, '-').replace(/-$/, '');
      await saveOnnx(modelWith(c, dtype), join(dir, `${label}-opset${opset}-${dtype}.onnx`), { opset });
    }
  }
}
console.log(`wrote ${activationCases().length * 4} models to ${dir}`);
