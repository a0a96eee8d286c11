// Exports one model per built-in activation (and a float64 one) with toTorch, plus inputs and
// actgrad's outputs, for compare-torch.py. Run from the repository root:
//   npx tsx --conditions=source packages/interop/scripts/compare-torch.ts [dir]
//   /usr/bin/python3 packages/interop/scripts/compare-torch.py [dir]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { predict } from '@actgrad/nn';
import { toTorch } from '../src/index.js';
import { activationCases, modelWith, randomInputs } from '../test/helpers.js';

const dir = process.argv[2] ?? '/tmp/actgrad-torch-compare';
const cases = [...activationCases().map((c) => [c, 'float32'] as const), ['tanh', 'float64'] as const, ['softmax', 'float64'] as const];
for (const [c, dtype] of cases) {
  const model = modelWith(c, dtype, 3);
  const label = typeof c === 'string' ? c : c.label.replace(/[(): ]+/g, '-').replace(/-$/, '');
  const out = join(dir, `${label}-${dtype}`);
  await toTorch(model, out);
  const x = randomInputs(100, 4, dtype, 11, 1);
  const y = predict(model, x);
  writeFileSync(join(out, 'check.json'), JSON.stringify({ dtype, input: Array.from(x.data), shape: x.shape, output: Array.from(y.data) }));
}
console.log(`wrote ${cases.length} models to ${dir}`);
