// Prints the worst relative difference between onnxruntime-node and predict for every activation
// case, opset 17 and 20, float32 and float64 (the numbers behind test/onnx-runtime.test.ts). Run:
//   npx tsx --conditions=source packages/interop/scripts/ort-parity.ts
import { predict } from '@actgrad/nn';
import { toOnnx } from '../src/index.js';
import { activationCases, modelWith, randomInputs, runOrt, worstRelative } from '../test/helpers.js';

console.log('case                      opset  float32    float64');
for (const c of activationCases()) {
  for (const opset of [17, 20]) {
    const cells: string[] = [];
    for (const dtype of ['float32', 'float64'] as const) {
      const model = modelWith(c, dtype);
      const x = randomInputs(200, 4, dtype);
      try {
        cells.push(worstRelative(await runOrt(toOnnx(model, { opset }), x), predict(model, x).data).toExponential(2));
      } catch (err) {
        cells.push(`no kernel (${/implementation for (\w+)|kernel for [\w.]*?(\w+)\(/.exec((err as Error).message)?.slice(1).find(Boolean) ?? 'error'})`);
      }
    }
    console.log(`${c.label.padEnd(26)}${String(opset).padEnd(7)}${cells[0]!.padEnd(11)}${cells[1]}`);
  }
}
