import { tensor } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { parameter } from '../src/index.js';
import { flat } from './helpers.js';

// Values at the points gradcheck must avoid (ties, bounds), pinned by hand.
describe('ops at their non-differentiable points', () => {
  const g = (values: number[]) => tensor(values, { dtype: 'float64' });

  it('max shares the gradient equally among tied maxima', () => {
    const x = parameter([[1, 3, 3], [2, 0, 1]], { dtype: 'float64' });
    ag.max(x, 1).backward(g([10, 20]));
    expect(flat(x.grad!)).toEqual([0, 5, 5, 20, 0, 0]);
  });

  it('clamp passes the gradient at its bounds and blocks it outside', () => {
    const x = parameter([-2, -1, 0, 1, 2], { dtype: 'float64' });
    ag.clamp(x, -1, 1).backward(g([1, 2, 3, 4, 5]));
    expect(flat(x.grad!)).toEqual([0, 2, 3, 4, 0]);
  });

  it('gather scatter-adds into repeated indices; pick routes each row to its label', () => {
    const x = parameter([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    ag.gather(x, tensor([[2, 2], [0, 1]]), 1).backward(g([1, 2, 3, 4]).reshape([2, 2]));
    expect(flat(x.grad!)).toEqual([0, 0, 3, 3, 4, 0]);
    const z = parameter([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const picked = ag.pick(z, [2, 0]);
    expect(flat(picked.data)).toEqual([3, 4]);
    picked.backward(g([7, 8]));
    expect(flat(z.grad!)).toEqual([0, 0, 7, 8, 0, 0]);
  });

  it('where sends the gradient to the chosen branch only, summed over broadcasting', () => {
    const a = parameter([[1, 2], [3, 4]], { dtype: 'float64' });
    const b = parameter([10], { dtype: 'float64' });
    ag.where(tensor([[1, 0], [0, 1]], { dtype: 'float64' }), a, b).backward(g([1, 2, 3, 4]).reshape([2, 2]));
    expect(flat(a.grad!)).toEqual([1, 0, 0, 4]);
    expect(flat(b.grad!)).toEqual([5]);
  });

  it('slice and concat put each gradient back where its element came from', () => {
    const x = parameter([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const y = parameter([[7], [8]], { dtype: 'float64' });
    const joined = ag.concat([x.slice(null, [null, null, -2]), y], 1); // columns 2, 0 of x, then y
    expect(joined.toArray()).toEqual([[3, 1, 7], [6, 4, 8]]);
    joined.backward(g([1, 2, 3, 4, 5, 6]).reshape([2, 3]));
    expect(flat(x.grad!)).toEqual([2, 0, 1, 5, 0, 4]);
    expect(flat(y.grad!)).toEqual([3, 6]);
  });
});
