import { mul, sub, tensor } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { ops, parameter, SELU_ALPHA, SELU_LAMBDA, type OpDef, type Variable } from '../src/index.js';
import { apply } from '../src/record.js';
import { flat, f64 } from './helpers.js';

/** a(s) and the gradient reaching s for a distinct upstream gradient per element. */
function run(f: (x: Variable) => Variable, s: number[], upstream: number[], dtype: 'float32' | 'float64' = 'float64') {
  const x = parameter(s, { dtype });
  const a = f(x);
  a.backward(tensor(upstream, { dtype }));
  return { a: flat(a.data), ds: flat(x.grad!) };
}

const G = [5, 50, 500];
const lambdaAlpha = SELU_LAMBDA * SELU_ALPHA;

describe('derivatives at the kink s = 0 follow the notes (the s ≥ 0 branch)', () => {
  // PyTorch and TF.js take ReLU'(0) = 0; the lecture defines a' = 1 for s ≥ 0, so ReLU'(0) = 1.
  const table: [string, (x: Variable) => Variable, number[], number[]][] = [
    ['relu', ag.relu, [-1, 0, 1], [0, 1, 1]],
    ['leakyRelu(0.1)', (x) => ag.leakyRelu(x, 0.1), [-1, 0, 1], [0.1, 1, 1]],
    ['elu(0.5)', (x) => ag.elu(x, 0.5), [-1, 0, 1], [0.5 * Math.exp(-1), 1, 1]],
    ['selu', ag.selu, [-1, 0, 1], [lambdaAlpha * Math.exp(-1), SELU_LAMBDA, SELU_LAMBDA]],
    ['prelu(0.25)', (x) => ag.prelu(x, parameter([0.25], { dtype: 'float64' })), [-1, 0, 1], [0.25, 1, 1]],
  ];
  for (const [name, f, s, slope] of table) {
    it(name, () => {
      const { a, ds } = run(f, s, G);
      expect(a[1]).toBe(0);
      ds.forEach((d, i) => expect(d).toBeCloseTo(G[i] * slope[i], 10));
    });
  }

  it('smooth activations take their usual values at 0', () => {
    const at0: [string, (x: Variable) => Variable, number, number][] = [
      ['linear', ag.linear, 0, 1], ['sigmoid', ag.sigmoid, 0.5, 0.25], ['tanh', ag.tanh, 0, 1],
      ['gelu', ag.gelu, 0, 0.5], ['silu', ag.silu, 0, 0.5], ['softplus', ag.softplus, Math.LN2, 0.5],
    ];
    for (const [name, f, a, slope] of at0) {
      const out = run(f, [0], [3]);
      expect({ name, a: out.a[0], ds: out.ds[0] }).toEqual({ name, a: expect.closeTo(a, 15), ds: expect.closeTo(3 * slope, 15) });
    }
  });

  it('relu maps −0 to 0 and lets NaN through rather than hiding it', () => {
    // A tensor operand is not validated (variable() refuses NaN), so NaN can reach the kernel.
    const [zero, nan, negative] = flat(ag.relu(tensor([-0, NaN, -3], { dtype: 'float64' })).data);
    expect(Object.is(zero, 0)).toBe(true);
    expect(nan).toBeNaN();
    expect(negative).toBe(0);
  });

  it('abs uses the symmetric subgradient 0 at 0 (not an activation of the notes)', () => {
    expect(run(ag.abs, [-2, 0, 3], G).ds).toEqual([-5, 0, 500]);
  });
});

describe('saturation at ±100: the notes\' values, no NaN', () => {
  const e100 = Math.exp(-100);
  const table: [string, (x: Variable) => Variable, number[], number[]][] = [
    // [a(−100), a(100)], [a'(−100), a'(100)]
    ['sigmoid', ag.sigmoid, [e100, 1], [e100, 0]], // a(1 − a): exactly 0 once a rounds to 1
    ['tanh', ag.tanh, [-1, 1], [0, 0]],
    ['relu', ag.relu, [0, 100], [0, 1]],
    ['leakyRelu', (x) => ag.leakyRelu(x, 0.01), [-1, 100], [0.01, 1]],
    // a' = a + α from the saved output, as the notes write it: a rounds to −α at s = −100, so
    // a' is 0 in float64 (the exact α·e^−100 ≈ 4e−44 is below the output's resolution).
    ['elu', ag.elu, [-1, 100], [0, 1]],
    ['selu', ag.selu, [-lambdaAlpha, 100 * SELU_LAMBDA], [lambdaAlpha * e100, SELU_LAMBDA]],
    ['softplus', ag.softplus, [e100, 100], [e100, 1]],
    ['silu', ag.silu, [-100 * e100, 100], [e100 * (1 - 100), 1]],
    ['gelu', ag.gelu, [0, 100], [0, 1]],
  ];
  for (const [name, f, a, slope] of table) {
    it(name, () => {
      const out = run(f, [-100, 100], [3, 7]);
      out.a.forEach((v, i) => expect(v).toBeCloseTo(a[i], 12));
      if (a[0] !== 0) expect(out.a[0] / a[0]).toBeCloseTo(1, 9);
      expect(out.ds[0]).toBeCloseTo(3 * slope[0], 12);
      if (slope[0] !== 0 && Math.abs(slope[0]) < 1e-6) expect(out.ds[0] / (3 * slope[0])).toBeCloseTo(1, 6);
      expect(out.ds[1]).toBeCloseTo(7 * slope[1], 10);
    });
  }

  it('softmax of [100, −100, 0] is one-hot up to e^−100, gradient finite', () => {
    const { a, ds } = run((x) => ag.softmax(x), [100, -100, 0], [1, 2, 3]);
    expect(a[0]).toBe(1);
    expect(a[2] / Math.exp(-100)).toBeCloseTo(1, 9);
    // g_s = a ⊙ (g − Σ g_j a_j): for the winner, 1·(1 − 1) = 0.
    expect(ds[0]).toBeCloseTo(0, 12);
    expect(ds[2] / (Math.exp(-100) * (3 - 1))).toBeCloseTo(1, 9);
  });
});

describe('numerical stability at ±1000', () => {
  const z = [-1000, -1, 0, 1000];
  const finite = (xs: number[]) => xs.every(Number.isFinite);
  for (const dtype of ['float32', 'float64'] as const) {
    it(`sigmoid, softplus, softmax, logSoftmax stay finite (${dtype})`, () => {
      const up = [0.3, -0.7, 1.1, 0.5];
      const sig = run(ag.sigmoid, z, up, dtype);
      expect(sig.a).toEqual([0, expect.closeTo(0.2689414, 6), 0.5, 1]);
      for (const f of [ag.sigmoid, ag.softplus, (x: Variable) => ag.softmax(x), (x: Variable) => ag.logSoftmax(x)]) {
        const { a, ds } = run(f, z, up, dtype);
        expect(finite(a) && finite(ds)).toBe(true);
      }
      expect(run((x) => ag.logSoftmax(x), z, up, dtype).a[0]).toBeCloseTo(-2000, 3);
    });

    it(`cross-entropy, fused and composed, is finite with finite gradients (${dtype})`, () => {
      const logits = () => parameter([[1000, -1000, 0], [-1000, 1000, 5]], { dtype });
      const labels = [1, 1];
      const fusedZ = logits();
      const fused = ag.softmaxCrossEntropy(fusedZ, labels);
      fused.backward();
      expect(fused.item()).toBeCloseTo(1000, 3); // row 0: 2000 nats, row 1: ~0
      const composedZ = logits();
      const composed = ag.pick(ag.logSoftmax(composedZ), labels).mean().neg();
      composed.backward();
      expect(composed.item()).toBeCloseTo(1000, 3);
      expect(flat(fusedZ.grad!)).toEqual(flat(composedZ.grad!).map((v) => expect.closeTo(v, 6)));
      expect(flat(fusedZ.grad!)).toEqual([0.5, -0.5, 0, 0, 0, 0].map((v) => expect.closeTo(v, 6)));
    });

    it(`binary cross-entropy on logits, fused and composed, is finite (${dtype})`, () => {
      const y = tensor([1, 0, 1, 0], { dtype });
      const fusedZ = parameter(z, { dtype });
      const fused = ag.sigmoidBinaryCrossEntropy(fusedZ, y);
      fused.backward();
      const composedZ = parameter(z, { dtype });
      const composed = ag.softplus(composedZ).sub(ag.mul(composedZ, y)).mean();
      composed.backward();
      // ℓ = softplus(z) − y·z: 1000 for (−1000, y=1), 1000 for (1000, y=0), log(1+e^−1) for (−1, 0)…
      const expected = (1000 + Math.log1p(Math.exp(-1)) + Math.LN2 + 1000) / 4;
      expect(fused.item()).toBeCloseTo(expected, dtype === 'float64' ? 10 : 2);
      expect(composed.item()).toBeCloseTo(expected, dtype === 'float64' ? 10 : 2);
      const grad = [(0 - 1) / 4, 0.2689414213699951 / 4, (0.5 - 1) / 4, (1 - 0) / 4];
      flat(fusedZ.grad!).forEach((g, i) => expect(g).toBeCloseTo(grad[i], 6));
      flat(composedZ.grad!).forEach((g, i) => expect(g).toBeCloseTo(grad[i], 6));
    });
  }
});

describe('the gradient check has teeth', () => {
  it('rejects a softmax whose backward uses only the diagonal a_i(1 − a_i)', () => {
    // The real softmax forward with the notes' diagonal-only rule as its backward.
    const diagonalSoftmax: OpDef<{ axis: number }> = {
      ...ops.softmax,
      name: 'diagonalSoftmax',
      backward: ({ grad, saved }) => {
        const a = saved.output;
        return [mul(mul(grad, a), sub(1, a))];
      },
    };
    const wrong = (x: Variable) => apply(diagonalSoftmax, [x], { axis: 1 });
    const x = f64([[0.3, -1.2, 2.0, 0.1], [1.5, 0.2, -0.4, -2.2]]);
    const bad = ag.gradcheck(wrong, [x]);
    expect(bad.ok).toBe(false);
    expect(bad.maxAbsError).toBeGreaterThan(1e-2);
    expect(() => ag.assertGradcheck(wrong, [x])).toThrow(/gradcheck failed: input 0, flat index \d+: analytic .* vs numeric/);
    // Same input, same upstream gradient: the full-Jacobian softmax passes.
    expect(ag.gradcheck((v) => ag.softmax(v), [x]).ok).toBe(true);
  });
});
