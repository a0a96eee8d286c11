// Plain ESM JavaScript with @actgrad/native: its install built the addon; importing it makes the
// native backend the active one. Train two moons on it, and split a product across two threads.
import { nativeBackend, supportedIsas } from '@actgrad/native';
import { mlp, fit, evaluate, moons, trainTestSplit, Adam } from '@actgrad/nn';
import { getBackend, matmul, randn, setBackend } from '@actgrad/tensor';

const active = getBackend().name;
const { train, test } = trainTestSplit(moons({ n: 400, noise: 0.1, seed: 1 }), { testFraction: 0.25, seed: 1 });
const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
fit(model, train, { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.01 }), epochs: 40, batchSize: 32, seed: 1 });
const { accuracy } = evaluate(model, test, { loss: 'binaryCrossEntropy' });

nativeBackend.threads = 2; // one worker beside the main thread, even on a single core
await nativeBackend.warmUp();
nativeBackend.adaptive = false;
const before = nativeBackend.counters.splitCalls;
const a = randn([200, 300], { seed: 2 });
const b = randn([300, 256], { seed: 3 });
const fast = matmul(a, b).toArray().flat();
const splitCalls = nativeBackend.counters.splitCalls - before;
setBackend('js');
const ref = matmul(a, b).toArray().flat();
let maxDiff = 0;
for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fast[i] - ref[i]));
await nativeBackend.close();
console.log(JSON.stringify({ active, isa: nativeBackend.gemmVariant.native, isas: supportedIsas(), accuracy, splitCalls, workerFailures: nativeBackend.counters.workerFailures, maxDiff }));
