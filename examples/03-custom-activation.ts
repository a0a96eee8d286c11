// 03 · A custom activation from its forward and its derivative.
//
//   npx tsx --conditions=source examples/03-custom-activation.ts
//
// Softsign is tanh's cousin with polynomial instead of exponential tails, so it saturates more
// slowly: a = s / (1 + |s|), a′ = 1 / (1 + |s|)². defineActivation turns the two scalar
// functions into a graph node; checkActivation compares its backward with central differences;
// registerActivation makes the name usable wherever a built-in's is (mlp, the lab's --hidden).
// Prints `derivative check: ok`, then the test accuracy of a softsign MLP on two moons (> 0.95).

import { checkActivation, defineActivation, registerActivation } from '@actgrad/autograd';
import { evaluate, fit, mlp, moons, trainTestSplit } from '@actgrad/nn';

export const softsign = registerActivation(
  defineActivation({
    name: 'softsign',
    forward: (s) => s / (1 + Math.abs(s)),
    derivative: ({ s }) => 1 / (1 + Math.abs(s)) ** 2,
    saves: 'input', // the derivative needs s only
    formula: 's/(1+|s|)',
    derivativeFormula: '1/(1+|s|)^2',
  }),
);

const check = checkActivation(softsign);
console.log(`derivative check: ${check.ok ? 'ok' : `FAILED ${JSON.stringify(check)}`}`);

const { train, test } = trainTestSplit(moons({ n: 600, noise: 0.15, seed: 3 }), { testFraction: 0.25, seed: 3 });
const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'softsign', output: 'sigmoid', seed: 3 });
fit(model, train, { loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.02, epochs: 80, batchSize: 32, seed: 3, quiet: true });
const { accuracy } = evaluate(model, test, { loss: 'binaryCrossEntropy' });
console.log(`softsign hidden layers: test accuracy ${accuracy!.toFixed(3)}`);
