// 04 · Comparing hidden activations in a loop, with a printed table.
//
//   npx tsx --conditions=source examples/04-compare-activations.ts
//
// The same data, the same seed and the same network shape for each hidden activation; only the
// activation (and the initialiser mlp picks for it) changes. Prints one row per activation with
// its formula from the registry, the final training loss and the test accuracy. On this data the
// ReLU family, ELU, SELU and tanh all reach ≥ 0.95, while sigmoid, whose gradient shrinks
// (a′ ≤ 0.25) layer by layer, trails well behind in the same 30 epochs.

import { getActivation } from '@actgrad/autograd';
import { evaluate, fit, mlp, moons, trainTestSplit } from '@actgrad/nn';

const { train, test } = trainTestSplit(moons({ n: 600, noise: 0.15, seed: 7 }), { testFraction: 0.25, seed: 7 });
const rows: string[][] = [['hidden', 'a(s)', 'train loss', 'test accuracy']];

for (const hidden of ['relu', 'leakyRelu', 'elu', 'selu', 'tanh', 'sigmoid']) {
  const model = mlp({ sizes: [2, 16, 16, 1], hidden, output: 'sigmoid', seed: 7 });
  const { history } = fit(model, train, { loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.01, epochs: 30, batchSize: 32, seed: 7, quiet: true });
  const { accuracy } = evaluate(model, test, { loss: 'binaryCrossEntropy' });
  rows.push([hidden, getActivation(hidden).formula, history.at(-1)!.loss.toFixed(4), accuracy!.toFixed(3)]);
}

// Pad every column to its widest cell.
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
