// Compiled under several module settings by the packed-consumer test: strict, our declarations
// checked (skipLibCheck off), and no @types/node, so the packages' types must not need it.
declare const console: { log(message: string): void };
import { mlp, fit, evaluate, predict, xor, Adam, type Sequential } from '@actgrad/nn';
import { Tensor } from '@actgrad/tensor';

const data = xor({ n: 400, noise: 0.05, seed: 1 });
const model: Sequential = mlp({ sizes: [2, 8, 1], hidden: 'tanh', output: 'sigmoid', seed: 1 });
const result = fit(model, data, { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.05 }), epochs: 60, batchSize: 32, seed: 1 });
const { accuracy }: { accuracy?: number } = evaluate(model, data, { loss: 'binaryCrossEntropy' });
const p: Tensor = predict(model, data.x);

// The declarations must be real types, not `any`: each call below must be a compile error (never run).
export function typeErrors(): void {
  // @ts-expect-error sizes is a list of layer widths
  mlp({ sizes: 'two', hidden: 'relu', output: 'sigmoid' });
  // @ts-expect-error epochs is a number
  fit(model, data, { loss: 'binaryCrossEntropy', epochs: 'ten' });
}

console.log(JSON.stringify({ accuracy, shape: p.shape, epochs: result.history.length }));
