// 07 · The same training on two backends: WebAssembly (the default) and @actgrad/native.
//
//   npx tsx --conditions=source examples/07-native-backend.ts
//
// Importing @actgrad/native registers a backend named 'native' (matrix products and Adam's step
// in C for AVX-512 or AVX2, built at install) and makes it the active one; setBackend switches.
// A 784-256-128-10 MLP takes 40 Adam steps on random 128-row batches twice from the same seed,
// first on 'wasm', then on 'native'. Prints each backend's steps/s, and the last losses, which
// agree to 1e-4: the backends add up a product's terms in different orders, nothing else.

import { nativeBackend } from '@actgrad/native';
import { Adam, mlp, Trainer } from '@actgrad/nn';
import { createRng, getBackend, setBackend, tensor } from '@actgrad/tensor';

const rng = createRng('example-07');
const x = tensor(Array.from({ length: 128 * 784 }, () => rng()), { shape: [128, 784] });
const y = tensor(Array.from({ length: 128 }, () => Math.floor(rng() * 10)));

function train(backend: string): number {
  setBackend(backend);
  const model = mlp({ sizes: [784, 256, 128, 10], hidden: 'relu', output: 'softmax', seed: 7 });
  const trainer = new Trainer(model, { loss: 'crossEntropy', optimizer: new Adam(model, { lr: 1e-3 }) });
  let loss = trainer.step(x, y);
  const t0 = performance.now();
  for (let step = 1; step < 40; step++) loss = trainer.step(x, y);
  const stepsPerSecond = 39 / ((performance.now() - t0) / 1000);
  console.log(`${getBackend().name.padEnd(6)} ${stepsPerSecond.toFixed(0).padStart(5)} steps/s, last loss ${loss.toFixed(5)}`);
  return loss;
}

const wasmLoss = train('wasm');
const nativeLoss = train('native');
console.log(`native gemm: ${nativeBackend.gemmVariant.native}; losses differ by ${Math.abs(wasmLoss - nativeLoss).toExponential(1)}`);
