// 05 · Regression with a tanh output: targets in [−1, 1], as the lecture's table advises.
//
//   npx tsx --conditions=source examples/05-regression-tanh.ts
//
// y = sin(πx₀)·cos(πx₁/2) + x₁/2 + noise, scaled into [−1, 1]. A tanh output spans exactly that
// range, so it is trained with mean squared error on the raw targets. Prints the test R² (> 0.95)
// and three test points with their true and predicted y. Then the same model with a sigmoid
// output: fit refuses it before training, because [0, 1] cannot reach targets down to −1.

import { evaluate, fit, mlp, predict, regression, trainTestSplit } from '@actgrad/nn';

const { train, test } = trainTestSplit(regression({ n: 800, range: [-1, 1], seed: 5 }), { testFraction: 0.25, seed: 5 });
const model = mlp({ sizes: [2, 32, 32, 1], hidden: 'relu', output: 'tanh', seed: 5 });
fit(model, train, { loss: 'mse', optimizer: 'adam', lr: 0.01, epochs: 100, batchSize: 32, seed: 5, quiet: true });

const { r2 } = evaluate(model, test, { loss: 'mse', metrics: ['r2'] });
console.log(`tanh output: test R² ${r2!.toFixed(3)}`);

const truth = test.y.toArray() as number[][];
const guess = predict(model, test.x).toArray() as number[][];
for (let i = 0; i < 3; i++) console.log(`  y = ${truth[i]![0]!.toFixed(3).padStart(6)}   predicted ${guess[i]![0]!.toFixed(3).padStart(6)}`);

try {
  const bounded = mlp({ sizes: [2, 32, 32, 1], hidden: 'relu', output: 'sigmoid', seed: 5 });
  fit(bounded, train, { loss: 'mse', optimizer: 'adam', epochs: 1, quiet: true });
} catch (err) {
  console.log(`sigmoid output: ${(err as Error).message}`);
}
