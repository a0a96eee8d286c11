import { readFileSync } from 'node:fs';
import { tensor } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { activations, parameter, SELU_ALPHA, SELU_LAMBDA, type ActivationDef, type Variable } from '../src/index.js';
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
/** An activation's functional form with the case's params, and its learnable parameters (PReLU's α) as further inputs. */
function fromDefinition(def: ActivationDef): Fn {
  const learnable = Object.keys(def.params).filter((k) => def.params[k].learnable);
  const call = (def as ActivationDef & { call: (x: Variable, o?: object) => Variable }).call;
  return (c) => (x, ...ps) => call(x, { ...c.params, ...Object.fromEntries(learnable.map((k, i) => [k, ps[i]])) });
}

const implementations: Record<string, Fn[]> = {
  // Every activation, from its definition.
  ...Object.fromEntries(Object.values(activations).map((def) => [def.name, [fromDefinition(def)]])),
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

function expectClose(actual: number[], expected: number[], what: string, rel = 1e-5): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((v, i) => {
    const tol = rel * Math.abs(expected[i]) + 1e-15;
    if (!(Math.abs(v - expected[i]) <= tol)) {
      throw new Error(`${what}[${i}]: ${v} vs PyTorch ${expected[i]} (relative tolerance ${rel})`);
    }
  });
}

// GELU's two forms are held to PyTorch's float64 values to 1e-12, forward and backward.
const TIGHT: Record<string, number> = { gelu: 1e-12 };

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

  it('has both forms of GELU', () => {
    const forms = fixture.cases.filter((c) => c.name === 'gelu').map((c) => (c.params as Record<string, unknown>).approximate ?? 'none');
    expect(new Set(forms)).toEqual(new Set(['none', 'tanh']));
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
        const rel = TIGHT[c.name];
        expectClose(flat(out.data), c.output.data, `${c.name} output`, rel);
        out.backward(toTensor(c.upstream));
        leaves.forEach((leaf, i) => expectClose(flat(leaf.grad!), c.inputGrads[i].data, `${c.name} grad of input ${i}`, rel));
      });
    });
    if (!implementations[c.name]) it(`${c.name} has an implementation to compare`, () => expect(c.name).toBe('mapped'));
  });
});
