// 06 · Multi-class classification with a softmax output: three spiral arms.
//
//   npx tsx --conditions=source examples/06-softmax-multiclass.ts
//
// Labels are class indices 0, 1, 2; the model ends in a 3-unit softmax, so each output row is a
// probability distribution. Training uses cross-entropy computed from the logits (log-sum-exp),
// whose gradient is softmax's full Jacobian applied to the loss: g_s = a − onehot(y).
// Prints the test accuracy (> 0.95), one test point's three probabilities (they sum to 1) and
// how many test points of each class were classified right.

import { evaluate, fit, mlp, predict, spirals, trainTestSplit } from '@actgrad/nn';

const { train, test } = trainTestSplit(spirals({ n: 600, noise: 0.15, seed: 2 }), { testFraction: 0.25, seed: 2, stratify: true });
const model = mlp({ sizes: [2, 48, 48, 3], hidden: 'relu', output: 'softmax', seed: 2 });
fit(model, train, { loss: 'crossEntropy', optimizer: 'adam', lr: 0.01, epochs: 150, batchSize: 32, seed: 2, quiet: true });

const { accuracy } = evaluate(model, test, { loss: 'crossEntropy' });
console.log(`softmax output: test accuracy ${accuracy!.toFixed(3)}`);

const probs = predict(model, test.x).toArray() as number[][];
const labels = test.y.toArray() as number[];
const p0 = probs[0]!;
console.log(`point 0 (class ${labels[0]}): P = [${p0.map((p) => p.toFixed(3)).join(', ')}], sum ${p0.reduce((a, b) => a + b, 0).toFixed(3)}`);

const right = [0, 0, 0];
const total = [0, 0, 0];
probs.forEach((p, i) => {
  const predicted = p.indexOf(Math.max(...p));
  total[labels[i]!]!++;
  if (predicted === labels[i]) right[labels[i]!]!++;
});
console.log(`right per class: ${right.map((r, c) => `class ${c} ${r}/${total[c]}`).join(', ')}`);
