import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor } from '@actgrad/tensor';
import { Adam, AdamW, mlp, RMSProp, SGD, Trainer, type Optimizer, type Sequential } from '../src/index.js';

interface Case {
  name: string;
  sizes: number[];
  hidden: string;
  output: string;
  lossName: string;
  optimizer: { type: string } & Record<string, unknown>;
  y: number[] | number[][];
  init: { weight: number[][]; bias: number[] }[];
  losses: number[];
  final: number[][];
}

const ref = JSON.parse(readFileSync(new URL('./reference/training-steps.json', import.meta.url), 'utf8')) as { x: number[][]; cases: Case[] };
const optimizers = { SGD, Adam, AdamW, RMSProp } as Record<string, new (m: Sequential, o: object) => Optimizer>;

// Whole steps — layout, forward, fused or plain loss, backward, update — against PyTorch
// (test/reference/training-steps.py), in float64 so any difference is a bug, not rounding.
describe('training steps match PyTorch end to end', () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const model = mlp({ sizes: c.sizes, hidden: c.hidden, output: c.output, dtype: 'float64' });
      model.linearLayers().forEach((layer, l) => {
        layer.weight.data.data.set(c.init[l].weight.flat());
        layer.bias!.data.data.set(c.init[l].bias);
      });
      const { type, ...opts } = c.optimizer;
      const trainer = new Trainer(model, { loss: c.lossName, optimizer: new optimizers[type](model, opts) });
      const x = tensor(ref.x, { dtype: 'float64' });
      const y = tensor(c.y, { dtype: 'float64' });
      c.losses.forEach((want) => expect(trainer.step(x, y)).toBeCloseTo(want, 10));
      model.parameters().forEach((p, i) => Array.from(p.data.data).forEach((v, j) => expect(v).toBeCloseTo(c.final[i][j], 10)));
    });
  }
});
