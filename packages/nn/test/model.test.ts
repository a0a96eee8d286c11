import { describe, expect, it, vi } from 'vitest';
import { activationNames, defineActivation, parameter, registerActivation, unregisterActivation, variable, type Variable } from '@actgrad/autograd';
import { tensor } from '@actgrad/tensor';
import { Activation, Linear, mlp, Module, Sequential, defaultInitFor, fit, moons, resolveInit } from '../src/index.js';

function moments(a: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i];
    s2 += a[i] * a[i];
    maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  }
  const mean = s / a.length;
  return { mean, variance: s2 / a.length - mean * mean, maxAbs };
}

describe('Linear', () => {
  it('computes y = x W + b with W stored [in, out] row-major', () => {
    const layer = new Linear(3, 2, { seed: 1 });
    expect(layer.weight.shape).toEqual([3, 2]);
    expect(layer.bias!.shape).toEqual([2]);
    layer.weight.data.data.set([1, 2, 3, 4, 5, 6]); // W = [[1,2],[3,4],[5,6]]
    layer.bias!.data.data.set([0.5, -1]);
    const y = layer.call([[1, 0, -1], [2, 1, 0]]);
    expect(y.toArray()).toEqual([[1 - 5 + 0.5, 2 - 6 - 1], [2 + 3 + 0.5, 4 + 4 - 1]]);
    expect(new Linear(3, 2, { bias: false }).parameters()).toHaveLength(1);
  });

  it('names the mismatch when the input width is wrong', () => {
    expect(() => new Linear(3, 2).call([[1, 2]])).toThrow('Linear(3 → 2): expected input [batch, 3]; got [1,2]');
    expect(() => new Linear(0, 2)).toThrow('Linear: inFeatures must be an integer ≥ 1; got 0');
  });
});

describe('initialisation', () => {
  // fanIn 400, fanOut 100: He 2/400, Glorot 2/500, LeCun 1/400 all differ.
  const cases: [string, number][] = [
    ['heNormal', 2 / 400],
    ['heUniform', 2 / 400],
    ['glorotUniform', 2 / 500],
    ['glorotNormal', 2 / 500],
    ['lecunNormal', 1 / 400],
    ['lecunUniform', 1 / 400],
  ];
  for (const [name, variance] of cases) {
    it(`${name} has variance ${variance}`, () => {
      const w = new Linear(400, 100, { init: name, seed: 7 }).weight.data.data;
      const m = moments(w);
      expect(Math.abs(m.mean)).toBeLessThan(0.002);
      expect(m.variance / variance).toBeGreaterThan(0.96);
      expect(m.variance / variance).toBeLessThan(1.04);
      if (name.endsWith('Uniform')) expect(m.maxAbs).toBeLessThanOrEqual(Math.sqrt(3 * variance));
    });
  }

  it('follows the activation after each layer: He for ReLUs, Glorot for sigmoid/tanh/linear/softmax, LeCun for SELU', () => {
    const model = mlp({ sizes: [4, 8, 8, 8, 8, 3], hidden: ['relu', 'tanh', 'selu', 'sigmoid'], output: 'softmax' });
    expect(model.config!.init).toEqual(['heNormal', 'glorotUniform', 'lecunNormal', 'glorotUniform', 'glorotUniform']);
    expect(['leakyRelu', 'elu', 'gelu', 'linear'].map(defaultInitFor)).toEqual(['heNormal', 'heNormal', 'heNormal', 'glorotUniform']);
    const over = mlp({ sizes: [2, 4, 1], hidden: 'relu', init: ['lecunNormal', 'zeros'] });
    expect(over.config!.init).toEqual(['lecunNormal', 'zeros']);
    expect(Array.from(over.linearLayers()[1].weight.data.data)).toEqual([0, 0, 0, 0]);
  });

  it("takes the family from the activation's definition, custom ones included", () => {
    // Every built-in's declared family, as the notes' use table implies it.
    const families = Object.fromEntries(activationNames().map((n) => [n, defaultInitFor(n)]));
    expect(families).toMatchObject({
      relu: 'heNormal', leakyRelu: 'heNormal', elu: 'heNormal', prelu: 'heNormal', gelu: 'heNormal', silu: 'heNormal',
      softplus: 'heNormal', selu: 'lecunNormal', sigmoid: 'glorotUniform', tanh: 'glorotUniform', linear: 'glorotUniform',
      softmax: 'glorotUniform', logSoftmax: 'glorotUniform',
    });
    expect(defaultInitFor('leaky_relu')).toBe('heNormal');
    expect(defaultInitFor('noSuchActivation')).toBe('glorotUniform');
    const square = { forward: (s: number) => Math.max(s, 0) ** 2, derivative: ({ s }: { s: number }) => 2 * Math.max(s, 0) };
    const he = registerActivation(defineActivation({ name: 'squaredReluTestHe', ...square, init: 'he' }));
    const plain = registerActivation(defineActivation({ name: 'squaredReluTestPlain', ...square }));
    try {
      expect(mlp({ sizes: [2, 4, 4, 1], hidden: [he.name, plain.name], output: 'sigmoid' }).config!.init)
        .toEqual(['heNormal', 'glorotUniform', 'glorotUniform']);
    } finally {
      unregisterActivation(he.name);
      unregisterActivation(plain.name);
    }
    expect(() => defineActivation({ name: 'badInit', ...square, init: 'kaiming' as 'he' }))
      .toThrow("defineActivation 'badInit': init must be 'he', 'lecun' or 'glorot', not \"kaiming\"");
  });

  it('is seeded and accepts snake_case names', () => {
    const a = mlp({ sizes: [2, 8, 1], seed: 3 }).parameters()[0].data.data;
    const b = mlp({ sizes: [2, 8, 1], seed: 3 }).parameters()[0].data.data;
    const c = mlp({ sizes: [2, 8, 1], seed: 4 }).parameters()[0].data.data;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(resolveInit('glorot_uniform').name).toBe('glorotUniform');
    expect(() => resolveInit('orthogonal')).toThrow(/unknown initializer 'orthogonal'; valid initializers: heNormal, heUniform, glorotUniform/);
  });
});

describe('mlp and Sequential', () => {
  it('builds Linear + activation layers with hidden as one name or a list, and a custom activation', () => {
    const cube = defineActivation({ name: 'softsign', forward: (s) => s / (1 + Math.abs(s)), derivative: ({ s }) => 1 / (1 + Math.abs(s)) ** 2 });
    const model = mlp({ sizes: [2, 5, 4, 3], hidden: ['relu', { activation: 'leakyRelu', options: { alpha: 0.2 } }], output: cube });
    const kinds = model.layers.map((l) => (l instanceof Linear ? `L${l.inFeatures}-${l.outFeatures}` : (l as Activation).activationName));
    expect(kinds).toEqual(['L2-5', 'relu', 'L5-4', 'leakyRelu', 'L4-3', 'softsign']);
    expect(model.outputActivation).toBe('softsign');
    expect(model.config).toMatchObject({ sizes: [2, 5, 4, 3], hidden: ['relu', 'leakyRelu'], output: 'softsign' });
    const out = model.call([[1, -1]]);
    for (const a of out.data.data) expect(Math.abs(a)).toBeLessThan(1);
    // A linear output adds no node: the model ends with its Linear layer.
    expect(mlp({ sizes: [1, 3, 1] }).layers.at(-1)).toBeInstanceOf(Linear);
  });

  it('refuses bad sizes, hidden lists of the wrong length and unknown activations', () => {
    expect(() => mlp({ sizes: [2] })).toThrow(/at least an input and an output width/);
    expect(() => mlp({ sizes: [2, 4, 4, 1], hidden: ['relu'] })).toThrow('mlp: hidden lists 1 activations but sizes [2, 4, 4, 1] has 2 hidden layers');
    expect(() => mlp({ sizes: [2, 4, 1], hidden: 'rellu' })).toThrow(/unknown activation 'rellu'; valid: linear, sigmoid, tanh, relu/);
    expect(() => new Sequential([{} as Linear])).toThrow('Sequential: layer 0 is not a Module');
  });

  it('lists named parameters, counts them, zeroes gradients and trains PReLU\'s α', () => {
    const model = mlp({ sizes: [2, 3, 1], hidden: 'prelu', seed: 1 });
    expect(model.namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.alpha', 'layers.2.weight', 'layers.2.bias']);
    expect(model.parameterCount()).toBe(2 * 3 + 3 + 1 + 3 + 1);
    const loss = model.call(tensor([[1, 2]])).sum();
    loss.backward();
    expect(model.parameters().every((p) => p.grad !== null)).toBe(true);
    model.zeroGrad();
    for (const p of model.parameters()) expect(Array.from(p.grad!.data).every((g) => g === 0)).toBe(true);
    expect(model.eval().training).toBe(false);
    expect(model.layers.every((l) => !l.training)).toBe(true);
  });

  it('forwardLogits stops before the output activation', () => {
    const model = mlp({ sizes: [2, 3, 2], hidden: 'tanh', output: 'softmax', seed: 2 });
    const x = variable([[0.3, -0.7]]);
    const z = model.forwardLogits(x).data.data;
    const p = model.forward(x).data.data;
    const e0 = Math.exp(z[0]);
    const e1 = Math.exp(z[1]);
    expect(p[0]).toBeCloseTo(e0 / (e0 + e1), 6);
  });
});

describe('custom modules', () => {
  class Scale extends Module {
    readonly scale = parameter(tensor([1, 1, 1]));
    protected override ownParameters(): [string, Variable][] {
      return [['scale', this.scale]];
    }
    forward(x: Variable): Variable {
      return x.mul(this.scale);
    }
  }

  it('list a shared layer\'s parameters once', () => {
    const shared = new Linear(3, 3, { seed: 1 });
    const model = new Sequential([new Linear(2, 3), shared, new Activation('tanh'), shared]);
    expect(model.namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
  });

  it('take part in parameters, training and the summary', () => {
    const model = new Sequential([new Linear(2, 3, { seed: 1 }), new Scale(), new Activation('tanh'), new Linear(3, 1, { seed: 2 }), new Activation('sigmoid')]);
    expect(model.namedParameters().map(([n]) => n)).toContain('layers.1.scale');
    fit(model, moons({ n: 32, seed: 1 }), { loss: 'binaryCrossEntropy', optimizer: 'sgd', lr: 0.5, epochs: 2, quiet: true });
    expect(Array.from((model.layers[1] as Scale).scale.data.data)).not.toEqual([1, 1, 1]);
    expect(model.summary({ print: false })).toMatch(/2  Scale\s+3\n/);
  });
});

describe('summary', () => {
  it('prints layers, activations, initializers, shapes and parameter counts', () => {
    const model = mlp({ sizes: [2, 16, 16, 1], hidden: 'relu', output: 'sigmoid' });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const text = model.summary();
    expect(log).toHaveBeenCalledWith(text);
    log.mockRestore();
    expect(text).toBe(
      [
        '#  Layer            Activation  Init           Output shape  Params',
        '─'.repeat(67),
        '1  Linear(2 → 16)   relu        heNormal       [batch, 16]       48',
        '2  Linear(16 → 16)  relu        heNormal       [batch, 16]      272',
        '3  Linear(16 → 1)   sigmoid     glorotUniform  [batch, 1]        17',
        '─'.repeat(67),
        'Input: [batch, 2]   Total parameters: 337',
      ].join('\n'),
    );
    expect(model.summary({ print: false })).toBe(text);
  });
});
