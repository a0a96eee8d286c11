import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parameter, type Variable } from '@actgrad/autograd';
import { backendNames, empty, getBackend, keep, setBackend, tensor, type NamedKernel } from '@actgrad/tensor';
import { ADAM_ALL_KERNEL, ADAM_KERNEL } from '../src/optim/adam-kernel.js';
import {
  Adam, AdamW, cosineDecay, createOptimizer, exponentialDecay, fit, mlp, moons, RMSProp, SGD, stepDecay,
  type Optimizer,
} from '../src/index.js';

const W0 = [1.0, -2.0, 0.5];
const G1 = [0.5, -0.25, 0.0];

function param(values = W0): Variable {
  return parameter(tensor(values, { dtype: 'float64' }));
}

function stepWith(opt: Optimizer, p: Variable, g: number[]): number[] {
  p.grad = tensor(g, { dtype: 'float64' });
  opt.step();
  return Array.from(p.data.data);
}

function expectClose(got: number[], want: number[], digits = 12): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i], digits));
}

describe('one hand-computed step per optimizer', () => {
  it('SGD: w − lr·g', () => {
    const p = param();
    expectClose(stepWith(new SGD([p], { lr: 0.1 }), p, G1), [0.95, -1.975, 0.5]);
  });

  it('SGD momentum: v₁ = g₁, v₂ = 0.9·v₁ + g₂', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    expectClose(stepWith(opt, p, G1), [0.95, -1.975, 0.5]);
    // v₂ = [0.45 + 0.1, −0.225 + 0.3, 0 − 0.7] = [0.55, 0.075, −0.7]
    expectClose(stepWith(opt, p, [0.1, 0.3, -0.7]), [0.95 - 0.055, -1.975 - 0.0075, 0.5 + 0.07]);
  });

  it('SGD Nesterov: step g + μ·v, so 1.9·g on the first step', () => {
    const p = param();
    expectClose(stepWith(new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), p, G1), [1 - 0.095, -2 + 0.0475, 0.5]);
  });

  it('SGD weight decay: g + λ·w', () => {
    const p = param();
    // g + 0.01·w = [0.51, −0.27, 0.005]
    expectClose(stepWith(new SGD([p], { lr: 0.1, weightDecay: 0.01 }), p, G1), [0.949, -1.973, 0.4995]);
  });

  it('Adam: the bias-corrected first step is lr·g/(|g| + ε)', () => {
    const p = param();
    const eps = 1e-8;
    const step = (g: number) => (g === 0 ? 0 : (0.01 * g) / (Math.abs(g) + eps));
    expectClose(stepWith(new Adam([p], { lr: 0.01 }), p, G1), W0.map((w, i) => w - step(G1[i])), 14);
  });

  it('Adam: bias correction keeps the step at lr under a constant gradient', () => {
    const p = param([0]);
    const opt = new Adam([p], { lr: 0.01, eps: 0 });
    // Without the 1/(1−βᵗ) corrections the first steps would be 0.1/√0.001 ≈ 3.2× lr, then shrink.
    for (let t = 1; t <= 5; t++) expect(stepWith(opt, p, [2])[0]).toBeCloseTo(-0.01 * t, 12);
  });

  it('AdamW decouples the decay: w·(1 − lr·λ) − lr·m̂/(√v̂+ε), unlike Adam with L2', () => {
    const pw = param();
    const pa = param();
    const w1 = stepWith(new AdamW([pw], { lr: 0.01, weightDecay: 0.1 }), pw, G1);
    // Decay shrinks by lr·λ = 0.001 of w; the Adam part moves each weight with a gradient by lr
    // (up to ε = 1e−8 in the denominator).
    expectClose(w1, [1 * 0.999 - 0.01, -2 * 0.999 + 0.01, 0.5 * 0.999], 9);
    // Coupled L2: g + 0.1·w = [0.6, −0.45, 0.05] goes through the normalisation, so even the
    // third weight (zero gradient) moves by a full lr.
    expectClose(stepWith(new Adam([pa], { lr: 0.01, weightDecay: 0.1 }), pa, G1), [0.99, -1.99, 0.49], 7);
    expect(new AdamW([param()]).weightDecay).toBe(0.01);
  });

  it('RMSProp: s = (1−α)·g², step g/(√s + ε) = 10·sign(g) on the first step', () => {
    const p = param();
    expectClose(stepWith(new RMSProp([p], { lr: 0.01, eps: 0 }), p, [0.5, -0.25, 1]), [0.9, -1.9, 0.4]);
  });
});

describe('three steps against PyTorch (test/reference/optimizers.json)', () => {
  const ref = JSON.parse(readFileSync(new URL('./reference/optimizers.json', import.meta.url), 'utf8')) as {
    w0: number[];
    grads: number[][];
    cases: { optimizer: string; options: Record<string, unknown>; steps: number[][] }[];
  };
  const make = { SGD, Adam, AdamW, RMSProp } as Record<string, new (p: Variable[], o: object) => Optimizer>;
  for (const c of ref.cases) {
    it(`${c.optimizer} ${JSON.stringify(c.options)}`, () => {
      const p = param(ref.w0);
      const opt = new make[c.optimizer]([p], c.options);
      ref.grads.forEach((g, t) => expectClose(stepWith(opt, p, g), c.steps[t], 12));
    });
  }
});

describe('optimizer plumbing', () => {
  // Each wasm kernel (one run, all runs in one call) wrapped to count its runs, or to decline.
  function withKernels<T>(mode: { all: 'count' | 'decline'; one: 'count' | 'decline' }, body: () => T): { result: T; all: number; one: number } {
    const named = getBackend().named as Map<string, NamedKernel> | undefined;
    const counts = { all: 0, one: 0 };
    const saved = [ADAM_ALL_KERNEL, ADAM_KERNEL].map((id) => [id, named?.get(id)] as const);
    for (const [id, kernel] of saved) {
      if (!kernel) continue;
      const key = id === ADAM_KERNEL ? 'one' : 'all';
      named!.set(id, ((...args: never[]) => {
        if (mode[key] === 'decline') return false;
        const ran = (kernel as (...a: never[]) => boolean)(...args);
        if (ran) counts[key]++;
        return ran;
      }) as NamedKernel);
    }
    try {
      return { result: body(), ...counts };
    } finally {
      for (const [id, kernel] of saved) if (kernel) named!.set(id, kernel);
    }
  }

  it('Adam gives bit-identical float32 weights with the active backend\'s fused steps and the plain loop', () => {
    const train = () => {
      const model = mlp({ sizes: [7, 33, 5], seed: 3 });
      const opt = new AdamW(model, { lr: 0.01, weightDecay: 0.1 });
      for (let t = 0; t < 3; t++) {
        for (const p of model.parameters()) {
          // Backend storage, as autograd allocates gradients, so a fused kernel can take them.
          const g = keep(empty(p.data.shape));
          for (let i = 0; i < g.size; i++) g.data[i] = Math.sin(i * 0.37 + t) * 10 ** ((i % 9) - 6);
          p.grad = g;
        }
        opt.step();
      }
      return model.parameters().map((p) => Array.from(p.data.data));
    };
    const before = getBackend().name;
    setBackend('js');
    const ref = train();
    try {
      for (const name of backendNames()) {
        setBackend(name);
        const all = withKernels({ all: 'count', one: 'count' }, train);
        expect(all.result).toEqual(ref);
        // One run at a time when the all-parameters kernel declines; the plain loop when both do.
        const one = withKernels({ all: 'decline', one: 'count' }, train);
        expect(one.result).toEqual(ref);
        expect(withKernels({ all: 'decline', one: 'decline' }, train).result).toEqual(ref);
        if (name === 'wasm') {
          // Three steps, each one call over all four parameters; then twelve single runs.
          expect([all.all, all.one, one.one]).toEqual([3, 0, 12]);
        }
      }
    } finally {
      setBackend(before);
    }
  });

  it('float32 Adam is float32 arithmetic (each operation rounded), float64 Adam is double', () => {
    const f32 = parameter(tensor([0.1, -3, 1e-30], { dtype: 'float32' }));
    const f64 = parameter(tensor([0.1, -3, 1e-30], { dtype: 'float64' }));
    const o32 = new Adam([f32], { lr: 0.001 }), o64 = new Adam([f64], { lr: 0.001 });
    const g = [3e-5, 2e7, -1e-38];
    f32.grad = tensor(g, { dtype: 'float32' });
    f64.grad = tensor(g, { dtype: 'float64' });
    o32.step();
    o64.step();
    // By hand, step 1: m = 0.1·g, v = 0.001·g², w − 0.001·m/(√v/√0.001 + 1e-8), rounded per operation in float.
    const fr = Math.fround;
    const want32 = [0.1, -3, 1e-30].map((w0, i) => {
      const w = fr(w0), gr = fr(fr(g[i]) + fr(0 * w));
      const m = fr(fr(fr(0.9) * 0) + fr(fr(1 - 0.9) * gr));
      const v = fr(fr(fr(0.999) * 0) + fr(fr(fr(1 - 0.999) * gr) * gr));
      return fr(fr(w * 1) - fr(fr(fr(0.001 / (1 - 0.9)) * m) / fr(fr(fr(Math.sqrt(v)) * fr(1 / Math.sqrt(1 - 0.999))) + fr(1e-8))));
    });
    expect(Array.from(f32.data.data)).toEqual(want32);
    const want64 = [0.1, -3, 1e-30].map((w, i) => {
      const m = 0.9 * 0 + (1 - 0.9) * g[i], v = 0.999 * 0 + (1 - 0.999) * g[i] * g[i];
      return w * 1 - ((0.001 / (1 - 0.9)) * m) / (Math.sqrt(v) * (1 / Math.sqrt(1 - 0.999)) + 1e-8);
    });
    expect(Array.from(f64.data.data)).toEqual(want64);
    // They differ where float32 loses what double keeps: g² = 1e-76 underflows to 0 in float.
    expect(want32[2]).not.toBe(fr(want64[2]!));
  });

  it('accepts a module, skips parameters without a gradient, and updates float32 storage in place', () => {
    const model = mlp({ sizes: [2, 3, 1], seed: 1 });
    const opt = new SGD(model, { lr: 0.5 });
    expect(opt.params).toHaveLength(4);
    const w = model.parameters()[0];
    const storage = w.data.data;
    const before = Array.from(storage);
    w.grad = tensor([[1, 0, 0], [0, 0, 2]]);
    opt.step();
    expect(w.data.data).toBe(storage);
    expect(storage[0]).toBe(Math.fround(before[0] - 0.5));
    expect(storage[5]).toBe(Math.fround(before[5] - 1));
    expect(storage[1]).toBe(before[1]);
  });

  it('refuses bad hyper-parameters and unknown names', () => {
    const p = [param()];
    expect(() => new SGD(p, { nesterov: true })).toThrow('SGD: nesterov needs momentum > 0');
    expect(() => new SGD(p, { lr: -1 })).toThrow('SGD: lr must be a finite number ≥ 0; got -1');
    expect(() => new Adam(p, { betas: [1, 0.9] })).toThrow(/betas\[0\] must be in \[0, 1\)/);
    expect(() => new SGD([], {})).toThrow('SGD: no parameters to optimize');
    expect(() => createOptimizer('adagrad', p)).toThrow("unknown optimizer 'adagrad'; valid optimizers: sgd, adam, adamw, rmsprop");
  });
});

describe('learning-rate schedules', () => {
  it('step, exponential and cosine decay give the textbook values', () => {
    const s = stepDecay({ lr: 1, stepSize: 2, gamma: 0.5 });
    expect([0, 1, 2, 3, 4].map(s)).toEqual([1, 1, 0.5, 0.5, 0.25]);
    const e = exponentialDecay({ lr: 0.1, gamma: 0.9 });
    expect(e(3)).toBeCloseTo(0.1 * 0.729, 15);
    const c = cosineDecay({ lr: 1, epochs: 4, minLr: 0.2 });
    expect(c(0)).toBe(1);
    expect(c(2)).toBeCloseTo(0.6, 15);
    expect(c(4)).toBeCloseTo(0.2, 15);
    expect(c(9)).toBeCloseTo(0.2, 15);
    expect(() => stepDecay({ lr: 1, stepSize: 0 })).toThrow(/stepSize must be an integer ≥ 1/);
  });

  it('drive the optimizer through setEpoch, and fit logs the rate per epoch', () => {
    const model = mlp({ sizes: [2, 4, 1], output: 'sigmoid', seed: 1 });
    const opt = new SGD(model, { lr: stepDecay({ lr: 0.4, stepSize: 1, gamma: 0.5 }) });
    expect(opt.lr).toBe(0.4);
    const { history } = fit(model, moons({ n: 40, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: opt, epochs: 3, quiet: true });
    expect(history.map((h) => h.lr)).toEqual([0.4, 0.2, 0.1]);
  });
});
