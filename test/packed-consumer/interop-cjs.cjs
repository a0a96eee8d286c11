// CommonJS: the same ONNX round trip through require(), reporting which build it loaded.
const { fromOnnx, toOnnx } = require('@actgrad/interop');
const { mlp, fit, evaluate, predict, moons, trainTestSplit, Adam } = require('@actgrad/nn');

const { train, test } = trainTestSplit(moons({ n: 300, noise: 0.1, seed: 3 }), { testFraction: 0.25, seed: 3 });
const model = mlp({ sizes: [2, 12, 12, 1], hidden: 'tanh', output: 'sigmoid', seed: 3 });
fit(model, train, { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.02 }), epochs: 40, batchSize: 32, seed: 3 });
const bytes = toOnnx(model);
const back = fromOnnx(bytes);
const a = predict(model, test.x).toArray().flat();
const b = predict(back, test.x).toArray().flat();
let maxDiff = 0;
for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
const { accuracy } = evaluate(model, test, { loss: 'binaryCrossEntropy' });
const reloaded = evaluate(back, test, { loss: 'binaryCrossEntropy' }).accuracy;
const resolved = require.resolve('@actgrad/interop');
console.log(JSON.stringify({ resolved, bytes: bytes.length, magic: bytes[0], rows: a.length, maxDiff, accuracy, reloaded }));
