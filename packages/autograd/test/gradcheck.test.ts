import { mul, tensor, type Tensor } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheck, type OpDef, type Variable } from '../src/index.js';
import { apply } from '../src/record.js';
import { f64, transposed } from './helpers.js';

/** a·b with a backward that adds `bump` to ∂/∂b at flat index 4. */
function buggyProduct(bump: number): OpDef<Record<string, never>> {
  return {
    name: 'buggyProduct',
    saves: 'input',
    forward: (inputs) => mul(inputs[0], inputs[1]),
    backward: ({ grad, saved }) => {
      const db = mul(grad, saved.inputs[0]).contiguous();
      db.data[db.offset + 4] += bump;
      return [mul(grad, saved.inputs[1]), db];
    },
  };
}

describe('gradcheck', () => {
  const a = f64([[0.5, -1, 2], [1.5, 0.3, -0.7]]);
  const b = f64([[1, 2, 3], [4, 5, 6]]);

  it('names the worst element: input, flat index, analytic and numeric values', () => {
    const f = (x: Variable, y: Variable) => apply(buggyProduct(0.5), [x, y], {});
    const r = gradcheck(f, [a, b]);
    expect(r.ok).toBe(false);
    expect(r.worst.input).toBe(1);
    expect(r.worst.index).toBe(4);
    expect(r.worst.analytic - r.worst.numeric).toBeCloseTo(0.5, 6);
    expect(r.maxAbsError).toBeCloseTo(0.5, 6);
    expect(() => assertGradcheck(f, [a, b])).toThrow(/input 1, flat index 4: analytic .* vs numeric .*abs error 5\.000e-1/);
    expect(gradcheck((x: Variable, y: Variable) => apply(buggyProduct(0), [x, y], {}), [a, b]).ok).toBe(true);
  });

  it('uses a random upstream gradient, so a backward that ignores it fails', () => {
    // ∂/∂x of Σ x² is 2x only for an upstream gradient of ones; the real rule is 2x·g.
    const ignoresUpstream: OpDef<Record<string, never>> = {
      name: 'square', saves: 'input',
      forward: (inputs) => mul(inputs[0], inputs[0]),
      backward: ({ saved }) => [mul(saved.inputs[0], 2)],
    };
    const r = gradcheck((x: Variable) => apply(ignoresUpstream, [x], {}), [a]);
    expect(r.ok).toBe(false);
  });

  it('checks float32 inputs in float64 and strided views as they are', () => {
    const x32 = tensor([[0.1, 0.2], [0.3, 0.4]]);
    expect(gradcheck((x) => x.tanh(), [x32]).ok).toBe(true);
    const view: Tensor = transposed([3, 4], 5);
    expect(view.isContiguous()).toBe(false);
    expect(gradcheck((x) => x.mul(x).sum(1), [view]).ok).toBe(true);
  });
});
