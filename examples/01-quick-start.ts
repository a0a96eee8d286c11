// 01 · Quick start: a two-moons classifier in ten lines (the README's first example).
//
//   npx tsx --conditions=source examples/01-quick-start.ts
//
// Trains a 2 → 16 relu → 16 relu → 1 sigmoid MLP for 60 epochs (about a second) and prints the
// held-out loss and accuracy, e.g. `{ loss: 0.005…, accuracy: 0.995 }` (accuracy above 0.97),
// then the shape of the predicted probabilities, `[ 200, 1 ]`.
// Everything below this comment is the README's quick-start block, character for character.

import { mlp, fit, evaluate, predict, moons, trainTestSplit, Adam } from '@actgrad/nn';

const { train, test } = trainTestSplit(moons({ n: 1000, noise: 0.1, seed: 1 }), { testFraction: 0.2, seed: 1 });
const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
fit(model, train, { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.01 }),
                    epochs: 60, batchSize: 32, seed: 1, validation: test });
console.log(evaluate(model, test, { loss: 'binaryCrossEntropy' }));   // { loss, accuracy }
console.log(predict(model, test.x).shape);                             // [200, 1]: P(class 1) per point
