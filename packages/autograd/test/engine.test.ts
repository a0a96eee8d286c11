import { add as tAdd, getBackend, ones, randn, tensor, tidy, type Backend } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import { affine, exp, isGradEnabled, noGrad, parameter, relu, softmaxCrossEntropy, sum, tanh, variable, Variable } from '../src/index.js';
import { flat } from './helpers.js';

describe('zeroGrad (lazy: the next backward overwrites the kept storage)', () => {
  it('reads as zeros, then holds exactly the next gradient, then accumulates again', () => {
    const w = parameter([1, -2, 0.5], { dtype: 'float64' });
    const loss = () => w.mul(w).sum(); // ∂/∂w = 2w
    loss().backward();
    loss().backward();
    const storage = w.grad!.data;
    expect(flat(w.grad!)).toEqual([4, -8, 2]);
    w.zeroGrad();
    expect(flat(w.grad!)).toEqual([0, 0, 0]);
    loss().backward();
    expect(flat(w.grad!)).toEqual([2, -4, 1]);
    // Not read in between: the stale values must not leak into the sum.
    w.zeroGrad();
    w.mul(3).sum().backward();
    expect(flat(w.grad!)).toEqual([3, 3, 3]);
    w.zeroGrad();
    w.mul(3).sum().backward();
    w.mul(w).sum().backward();
    expect(flat(w.grad!)).toEqual([5, -1, 4]);
    expect(w.grad!.data).toBe(storage);
  });

  it('a gradient set by hand replaces a pending zeroGrad; one never computed stays null', () => {
    const w = parameter([1, 2], { dtype: 'float64' });
    w.zeroGrad();
    expect(w.grad).toBeNull();
    w.mul(w).sum().backward();
    w.zeroGrad();
    w.grad = tensor([7, 8], { dtype: 'float64' });
    expect(flat(w.grad!)).toEqual([7, 8]);
    w.mul(w).sum().backward();
    expect(flat(w.grad!)).toEqual([9, 12]);
  });
});

describe('gradients written straight into leaf storage (gradInto)', () => {
  const x = variable(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' }));
  const upstream = tensor([[1, -1], [0.5, 2]], { dtype: 'float64' });
  const reference = (w: Variable, b: Variable) => {
    const w2 = parameter(w.data.clone()), b2 = parameter(b.data.clone());
    x.matmul(w2).add(b2).backward(upstream);
    return [flat(w2.grad!), flat(b2.grad!)];
  };

  it('affine fills the zeroed storage in place, with the values of matmul + add', () => {
    const w = parameter(tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64' }));
    const b = parameter(tensor([0.5, -0.5], { dtype: 'float64' }));
    const [gw, gb] = reference(w, b);
    affine(x, w, b).backward(upstream); // first pass: storage allocated, then written
    expect([flat(w.grad!), flat(b.grad!)]).toEqual([gw, gb]);
    const storage = [w.grad!.data, b.grad!.data];
    for (let step = 0; step < 2; step++) {
      w.zeroGrad();
      b.zeroGrad();
      affine(x, w, b).backward(upstream);
      expect([flat(w.grad!), flat(b.grad!)]).toEqual([gw, gb]);
      expect([w.grad!.data, b.grad!.data]).toEqual(storage);
      expect(w.grad!.data).toBe(storage[0]);
    }
    // Without zeroGrad the next pass adds.
    affine(x, w, b).backward(upstream);
    expect(flat(w.grad!)).toEqual(gw.map((v) => 2 * v));
    expect(flat(b.grad!)).toEqual(gb.map((v) => 2 * v));
  });

  it('a weight used by two affine nodes gets the sum of both gradients', () => {
    const w = parameter(tensor([[1, 2], [3, 4]], { dtype: 'float64' }));
    const h0 = variable(tensor([[1, -1]], { dtype: 'float64' }));
    const twice = () => affine(affine(h0, w).tanh(), w).sum();
    const ref = parameter(w.data.clone());
    h0.matmul(ref).tanh().matmul(ref).sum().backward();
    twice().backward();
    w.zeroGrad();
    twice().backward();
    flat(w.grad!).forEach((v, i) => expect(v).toBeCloseTo(flat(ref.grad!)[i]!, 12));
  });
});

describe('backward engine', () => {
  it('accumulates the gradient of a value used twice', () => {
    const x = parameter([1.5, -2, 3], { dtype: 'float64' });
    x.mul(x.add(1)).sum().backward(); // d/dx Σ x(x + 1) = (x + 1) + x
    expect(flat(x.grad!)).toEqual([4, -3, 7]);
    const y = parameter([1, 2], { dtype: 'float64' });
    y.add(y).sum().backward(); // both operands of one op
    expect(flat(y.grad!)).toEqual([2, 2]);
  });

  it('treats a detached copy as a constant even though it shares the tensor', () => {
    const x = parameter([1.5, -2], { dtype: 'float64' });
    x.mul(x.detach()).sum().backward(); // d/dx (x·c) = c, not 2x
    expect(flat(x.grad!)).toEqual([1.5, -2]);
  });

  it('sums gradients along a diamond without corrupting shared tensors', () => {
    // y = a·b + a with a = e^x, b = tanh(x): a feeds two consumers and add passes one tensor to both.
    const x = parameter([0.3, -0.7], { dtype: 'float64' });
    const a = exp(x);
    const b = tanh(x);
    const y = a.mul(b).add(a).add(a.mul(b));
    y.backward(tensor([5, 50], { dtype: 'float64' }));
    const expected = [0.3, -0.7].map((v, i) => {
      const e = Math.exp(v), t = Math.tanh(v);
      return [5, 50][i] * (2 * (e * t + e * (1 - t * t)) + e);
    });
    flat(x.grad!).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
  });

  it('accumulates across backward calls until zeroGrad, reusing the same storage', () => {
    const w = parameter([2, -1], { dtype: 'float64' });
    w.mul(3).sum().backward();
    const storage = w.grad!;
    w.mul(3).sum().backward();
    expect(flat(w.grad!)).toEqual([6, 6]);
    w.zeroGrad();
    expect(w.grad).toBe(storage);
    expect(flat(w.grad!)).toEqual([0, 0]);
    w.mul(w).sum().backward();
    expect(flat(w.grad!)).toEqual([4, -2]);
  });

  it('backpropagates through a 10,000-node chain without recursion', () => {
    const x = parameter([1], { dtype: 'float64' });
    let y: Variable = x;
    for (let i = 0; i < 10_000; i++) y = y.mul(1.0001);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(Math.pow(1.0001, 10_000), 8);
  });

  it('frees the graph after backward and says so on a second pass', () => {
    const x = parameter([1, 2], { dtype: 'float64' });
    const y = relu(x.mul(2)).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/already freed.*retainGraph: true/);
    expect(flat(x.grad!)).toEqual([2, 2]); // the failed pass added nothing
  });

  it('keeps the graph with retainGraph and runs it again', () => {
    const x = parameter([1, -3], { dtype: 'float64' });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(flat(x.grad!)).toEqual([4, -12]);
    expect(() => y.backward()).toThrow(/already freed/);
  });

  it('records nothing inside noGrad, and restores the mode after a throw', () => {
    const w = parameter([1, 2], { dtype: 'float64' });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return w.mul(2).sum();
    });
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/does not require a gradient/);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('detach cuts the graph but shares the data', () => {
    const x = parameter([2, 3], { dtype: 'float64' });
    const d = x.mul(x).detach();
    expect(d.requiresGrad).toBe(false);
    const y = x.mul(d).sum(); // d is a constant: dy/dx = d = x²
    y.backward();
    expect(flat(x.grad!)).toEqual([4, 9]);
  });

  it('undoes broadcasting by summing back to each input shape', () => {
    const a = parameter([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const b = parameter([10, 20, 30], { dtype: 'float64' });
    const c = parameter([[1], [2]], { dtype: 'float64' });
    a.add(b).mul(c).backward(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' }));
    expect(a.grad!.shape).toEqual([2, 3]);
    expect(flat(b.grad!)).toEqual([1 * 1 + 4 * 2, 2 * 1 + 5 * 2, 3 * 1 + 6 * 2]);
    expect(flat(c.grad!)).toEqual([11 * 1 + 22 * 2 + 33 * 3, 14 * 4 + 25 * 5 + 36 * 6]);
  });

  it('needs an explicit gradient for a non-scalar output and checks its shape', () => {
    const x = parameter([1, 2], { dtype: 'float64' });
    expect(() => x.mul(2).backward()).toThrow(/shape \[2\].*pass an upstream gradient/);
    expect(() => x.mul(2).backward(ones([3], 'float64'))).toThrow(/gradient of shape \[3\] for a value of shape \[2\]/);
  });

  it('gives no gradient to constants and keeps interior gradients only on request', () => {
    const x = parameter([1, 2], { dtype: 'float64' });
    const k = variable([3, 4], { dtype: 'float64' });
    const h = x.mul(k).retainGrad();
    const y = sum(h.mul(h));
    y.backward();
    expect(k.grad).toBeNull();
    expect(flat(h.grad!)).toEqual([6, 16]);
    expect(flat(x.grad!)).toEqual([18, 64]);
  });

  it('keeps leaf gradients alive across tidy while intermediates are recycled', () => {
    const w = parameter([[0.5, -1], [2, 0.25]], { dtype: 'float64' });
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const step = () => tidy(() => {
      variable(x).matmul(w).relu().sum().backward();
    });
    step();
    const first = flat(w.grad!);
    for (let i = 0; i < 3; i++) tidy(() => tAdd(ones([2, 2], 'float64'), 1)); // churn the free list
    step();
    expect(flat(w.grad!)).toEqual(first.map((g) => 2 * g));
  });

  it('a training step in tidy draws every buffer from the free list after warm-up', () => {
    const x = randn([8, 2], { seed: 1 });
    const w1 = parameter(randn([2, 4], { seed: 2 }));
    const b1 = parameter(randn([4], { seed: 3 }));
    const w2 = parameter(randn([4, 3], { seed: 4 }));
    const labels = [0, 1, 2, 0, 1, 2, 0, 1];
    const step = () => tidy(() => {
      const h = variable(x).matmul(w1).add(b1).tanh();
      softmaxCrossEntropy(h.matmul(w2), labels).backward();
    });
    for (let i = 0; i < 3; i++) step();
    const backend = getBackend() as { alloc: Backend['alloc'] };
    const alloc = backend.alloc;
    let fresh = 0;
    let inSteps = -1;
    backend.alloc = (dtype, length) => { fresh++; return alloc.call(backend, dtype, length); };
    try {
      for (let i = 0; i < 5; i++) step();
      inSteps = fresh;
      ones([3]); // outside tidy: a fresh buffer, so the counter does see allocations
    } finally {
      backend.alloc = alloc;
    }
    expect(fresh).toBe(inSteps + 1);
    expect(inSteps).toBe(0);
  });

  it('refuses NaN at the boundary', () => {
    expect(() => variable([1, NaN, 3])).toThrow(/NaN at flat index 1/);
    expect(() => parameter([1, 2]).mul(NaN)).toThrow(/NaN/);
  });

  it('refuses NaN in a large tensor (checked through its sum), and takes +∞ beside −∞', () => {
    const data = new Float32Array(5000).map((_, i) => Math.sin(i));
    expect(variable(tensor(data, { shape: [50, 100] })).data.size).toBe(5000);
    data[4321] = NaN;
    expect(() => variable(tensor(data, { shape: [50, 100] }))).toThrow(/NaN at flat index 4321/);
    // A strided view: flat index in the view's own order.
    expect(() => variable(tensor(data, { shape: [50, 100] }).transpose())).toThrow(/NaN at flat index 1093/);
    data[4321] = Infinity;
    data[17] = -Infinity;
    expect(variable(tensor(data, { shape: [5000] })).data.size).toBe(5000);
  });
});
