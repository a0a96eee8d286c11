import { readFileSync } from 'node:fs';
import { tensor } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { parameter, SELU_ALPHA, SELU_LAMBDA, type Variable } from '../src/index.js';
import { flat } from './helpers.js';

// Reference values written by scripts/make-torch-fixtures.py (PyTorch, float64), run by hand.
// PyTorch takes ReLU'(0) = 0 where the notes take 1, so the fixture's inputs keep ≥ 0.05 away
// from 0; the kink itself is pinned against the notes in activations.test.ts.

interface Encoded { shape: number[]; data: number[] }
interface Case {
  name: string;
  params: Record<string, number>;
  inputs: Encoded[];
  upstream: Encoded;
  output: Encoded;
  inputGrads: Encoded[];
  labels?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-reference.json', import.meta.url), 'utf8')) as {
  dtype: string; seluConstants: { lambda: number; alpha: number }; cases: Case[];
};

type Fn = (c: Case) => (...xs: Variable[]) => Variable;
const implementations: Record<string, Fn[]> = {
  linear: [() => (x) => ag.linear(x)],
  sigmoid: [() => (x) => ag.sigmoid(x)],
  tanh: [() => (x) => ag.tanh(x)],
  relu: [() => (x) => ag.relu(x)],
  leakyRelu: [(c) => (x) => ag.leakyRelu(x, c.params.alpha)],
  elu: [(c) => (x) => ag.elu(x, c.params.alpha)],
  selu: [() => (x) => ag.selu(x)],
  softmax: [(c) => (x) => ag.softmax(x, c.params.axis)],
  logSoftmax: [(c) => (x) => ag.logSoftmax(x, c.params.axis)],
  gelu: [() => (x) => ag.gelu(x)],
  silu: [() => (x) => ag.silu(x)],
  softplus: [() => (x) => ag.softplus(x)],
  prelu: [() => (x, a) => ag.prelu(x, a)],
  // The fused op and the composition nn builds must both match.
  crossEntropy: [
    (c) => (z) => ag.softmaxCrossEntropy(z, c.labels!),
    (c) => (z) => ag.pick(ag.logSoftmax(z), c.labels!).mean().neg(),
  ],
  binaryCrossEntropyWithLogits: [
    () => (z, y) => ag.sigmoidBinaryCrossEntropy(z, y),
    () => (z, y) => ag.softplus(z).sub(z.mul(y)).mean(),
  ],
  mse: [() => (p, t) => p.sub(t).pow(2).mean()],
};

const toTensor = (e: Encoded) => tensor(e.data, { shape: e.shape, dtype: 'float64' });

function expectClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((v, i) => {
    const tol = 1e-5 * Math.abs(expected[i]) + 1e-12;
    if (!(Math.abs(v - expected[i]) <= tol)) {
      throw new Error(`${what}[${i}]: ${v} vs PyTorch ${expected[i]} (relative tolerance 1e-5)`);
    }
  });
}

describe('agreement with PyTorch (float64, ≤ 1e-5 relative)', () => {
  it('uses the same SELU constants', () => {
    expect(fixture.seluConstants).toEqual({ lambda: SELU_LAMBDA, alpha: SELU_ALPHA });
  });

  it('keeps every activation input away from the kink at 0', () => {
    for (const c of fixture.cases) {
      if (c.name in { crossEntropy: 1, binaryCrossEntropyWithLogits: 1, mse: 1 }) continue;
      expect(Math.min(...c.inputs[0].data.map(Math.abs)), c.name).toBeGreaterThanOrEqual(0.05);
    }
  });

  it('covers every built-in activation', () => {
    const names = new Set(fixture.cases.map((c) => c.name));
    expect(ag.activationNames().filter((n) => !names.has(n))).toEqual([]);
  });

  fixture.cases.forEach((c, k) => {
    (implementations[c.name] ?? []).forEach((impl, variant) => {
      it(`${c.name} #${k}${variant ? ' (composed)' : ''} ${JSON.stringify(c.params)}`, () => {
        const leaves = c.inputs.map((e) => parameter(toTensor(e)));
        const out = impl(c)(...leaves);
        expectClose(flat(out.data), c.output.data, `${c.name} output`);
        out.backward(toTensor(c.upstream));
        leaves.forEach((leaf, i) => expectClose(flat(leaf.grad!), c.inputGrads[i].data, `${c.name} grad of input ${i}`));
      });
    });
    if (!implementations[c.name]) it(`${c.name} has an implementation to compare`, () => expect(c.name).toBe('mapped'));
  });
});
