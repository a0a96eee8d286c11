import { add, configure, suite } from 'benny';
import { w1Data, w2Data, w3Operands, w4Operands } from './data.js';
import { pairedShares } from './paired.js';
import { type MicroSettings, type W1Settings, type W2Settings, type W3Settings, type W4Settings } from './spec.js';
import type { BenchCase, Job, JsPeer, Measurement } from './peers/types.js';

/**
 * The timing loops, written once for every JavaScript peer so that each peer is measured by the
 * same clock around the same work. The Python runner mirrors them line for line.
 */

const seconds = () => performance.now() / 1000;

export function runW1(peer: JsPeer, settings: W1Settings): Measurement[] {
  const data = w1Data(settings.epochs);
  const { n } = data.moons;
  const batch = settings.batchSize;
  const stepsPerEpoch = Math.floor(n / batch); // drop_last
  const trainer = peer.w1(data, settings);

  const start = seconds();
  let timedFrom = start;
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    if (epoch === settings.warmupEpochs) {
      trainer.sync();
      timedFrom = seconds();
    }
    const order = data.orders.subarray(epoch * n, (epoch + 1) * n);
    for (let s = 0; s < stepsPerEpoch; s++) trainer.step(order.subarray(s * batch, (s + 1) * batch));
  }
  trainer.sync();
  const end = seconds();

  const stepsPerS = ((settings.epochs - settings.warmupEpochs) * stepsPerEpoch) / (end - timedFrom);
  return [
    { case: '', metric: 'steps_per_s', value: stepsPerS },
    { case: '', metric: 'samples_per_s', value: stepsPerS * batch },
    { case: '', metric: `time_to_${settings.epochs}_epochs_s`, value: end - start },
    { case: '', metric: 'final_train_acc', value: trainer.accuracy() },
  ];
}

export function runW2(peer: JsPeer, settings: W2Settings): Measurement[] {
  const data = w2Data();
  const batch = settings.batchSize;
  const pool = Math.floor(data.n / batch);
  const trainer = peer.w2(data, settings);
  const rowOf = (step: number) => (step % pool) * batch;

  let step = 0;
  for (; step < settings.warmupSteps; step++) trainer.step(rowOf(step));
  trainer.sync();
  const start = seconds();
  let timed = 0;
  let elapsed = 0;
  while (timed < settings.minTimedSteps || elapsed < settings.minTimedSeconds || (settings.wholePasses && timed % pool !== 0)) {
    trainer.step(rowOf(step++));
    timed++;
    elapsed = seconds() - start;
  }
  trainer.sync();
  const stepsPerS = timed / (seconds() - start);
  return [
    { case: '', metric: 'steps_per_s', value: stepsPerS },
    { case: '', metric: 'samples_per_s', value: stepsPerS * batch },
  ];
}

interface NamedCase {
  name: string;
  run: BenchCase;
  /** Work units per call: FLOPs for matmul, elements for activations. */
  units: number;
}

/**
 * Times the cases with benny (benchmark.js underneath): explicit warm-up first (`warmupCalls` calls
 * and at least `warmupSeconds`), then samples until both `minSamples` and `maxTime` are reached.
 * Returns calls per second by case name.
 */
async function timeCases(title: string, cases: NamedCase[], settings: MicroSettings): Promise<Map<string, number>> {
  for (const c of cases) {
    const start = seconds();
    for (let i = 0; i < settings.warmupCalls || seconds() - start < settings.warmupSeconds; i++) c.run();
  }
  const summary = await suite(
    title,
    configure({ cases: { minSamples: settings.minSamples, maxTime: settings.maxTime } }),
    ...cases.map((c) => add(c.name, () => c.run)),
  );
  // `ops` in benny's summary is rounded for display (a 4 s call reads as 0 ops/s); the mean sample
  // time is not.
  return new Map(summary.results.map((r) => [r.name, 1 / r.details.mean]));
}

export async function runW3(peer: JsPeer, settings: W3Settings, job: Job): Promise<Measurement[]> {
  const cases = settings.sizes.map((n): NamedCase => {
    const { a, b } = w3Operands(n);
    return { name: `n=${n}`, run: peer.matmul(a, b, n), units: 2 * n ** 3 };
  });
  const ops = await timeCases(`W3 matmul, ${job.runner} (calls/s)`, cases, settings);
  const measurements = cases.map((c) => ({ case: c.name, metric: 'gflops', value: (ops.get(c.name)! * c.units) / 1e9 }));
  if (peer.wasmThreads !== undefined) measurements.push(...await pairedShares(cases, peer.wasmThreads, settings.pairedWindowMs, peer.peakLoop));
  return measurements;
}

export async function runW4(peer: JsPeer, settings: W4Settings, job: Job): Promise<Measurement[]> {
  const [rows, cols] = settings.shape;
  const { x, grad } = w4Operands(rows * cols);
  const names = [...settings.activations];
  for (const name of peer.activationNames?.() ?? []) if (!names.includes(name)) names.push(name);
  const cases: NamedCase[] = [];
  for (const name of names) {
    const run = peer.activation(name, { x, grad, shape: settings.shape, options: settings.options });
    if (run) cases.push({ name, run, units: rows * cols });
  }
  const ops = await timeCases(`W4 activations forward+backward over ${rows * cols} elements, ${job.runner} (calls/s)`, cases, settings);
  return cases.map((c) => ({ case: c.name, metric: 'elements_per_s', value: ops.get(c.name)! * c.units }));
}
