// CommonJS: require() resolves the packages' "require" condition (dist/index.cjs).
const { mlp, fit, evaluate, moons, trainTestSplit, Adam } = require('@actgrad/nn');
const { getBackend, matmul, randn, setBackend } = require('@actgrad/tensor');

async function main() {
  const { train, test } = trainTestSplit(moons({ n: 400, noise: 0.1, seed: 1 }), { testFraction: 0.25, seed: 1 });
  const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'relu', output: 'sigmoid', seed: 1 });
  fit(model, train, { loss: 'binaryCrossEntropy', optimizer: new Adam(model, { lr: 0.01 }), epochs: 40, batchSize: 32, seed: 1 });
  const { accuracy } = evaluate(model, test, { loss: 'binaryCrossEntropy' });

  // The worker pool starts its threads from inline source: it must run under CommonJS too.
  const wasm = getBackend();
  let split = null;
  if (wasm.name === 'wasm') {
    wasm.threads = 2; // one worker beside the main thread, even on a single core
    await wasm.warmUp();
    wasm.adaptive = false;
    const before = wasm.counters.splitCalls;
    const a = randn([256, 256], { seed: 2 });
    const b = randn([256, 256], { seed: 3 });
    const fast = matmul(a, b).toArray().flat();
    const counters = { ...wasm.counters };
    setBackend('js');
    const ref = matmul(a, b).toArray().flat();
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fast[i] - ref[i]));
    split = { threads: wasm.threads, splitCalls: counters.splitCalls - before, workerFailures: counters.workerFailures, maxDiff };
    await wasm.close();
  }
  console.log(JSON.stringify({ accuracy, backend: wasm.name, split, resolved: require.resolve('@actgrad/nn') }));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
