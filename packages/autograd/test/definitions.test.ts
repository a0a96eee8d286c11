import { tensor } from '@actgrad/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import {
  activation, activationFunctions, activationNames, activations, getActivation, ops, registerActivation,
  unregisterActivation, Variable, variable,
} from '../src/index.js';
import { elementwise } from '../src/activations/build.js';
import { functionsOf, opsOf } from '../src/activations/builtins.js';
import { activationTable } from '../src/activations/table.js';
import { installFunctions } from '../src/methods.js';
import { activationCase } from './activation-cases.js';
import { flat } from './helpers.js';

// A definition is the only place an activation is written: everything else comes from the list.

/** A new activation, written the way the built-ins are: a = s³/k, a' = 3s²/k. */
const cube = elementwise({
  name: 'cube',
  formula: 's³/k',
  derivative: '3s²/k',
  params: { k: { default: 2, symbol: 'k', range: { gt: 0 }, description: 'divisor' } },
  positional: 'k',
  saves: 'input',
  forward(n, s, so, a, ao, k) {
    for (let i = 0; i < n; i++) a[ao + i] = (s[so + i]! * s[so + i]! * s[so + i]!) / k;
  },
  backward(n, g, go, s, so, dx, dxo, k) {
    for (let i = 0; i < n; i++) dx[dxo + i] = (g[go + i]! * 3 * s[so + i]! * s[so + i]!) / k;
  },
});
const list = { ...activations, cube };

describe('a new definition is picked up everywhere', () => {
  afterEach(() => void unregisterActivation('cube'));

  it('the op registry, the functions and the methods', () => {
    expect(opsOf(list).cube).toBe(cube.op);
    const x = variable([1, -2], { dtype: 'float64' });
    expect(flat(functionsOf(list).cube(x, { k: 4 }).data)).toEqual([0.25, -2]);
    expect(flat(functionsOf(list).cube(x, 4).data)).toEqual([0.25, -2]);
    expect(() => functionsOf(list).cube(x, { k: -1 })).toThrow('cube: k must be a positive finite number, got -1');
    class Scratch extends Variable {}
    installFunctions(Scratch.prototype, functionsOf(list) as never);
    const y = new Scratch(tensor([3], { dtype: 'float64' })) as Scratch & { cube(k?: number): Variable };
    expect(y.cube().item()).toBe(13.5);
  });

  it('the gradient-check table and the README table', () => {
    const c = activationCase(cube, 1);
    expect(ag.gradcheck(c.f, c.inputs).ok).toBe(true);
    expect(activationTable({ cube: 'src/activations/cube.ts' }, '', list)).toContain('| [`cube`](src/activations/cube.ts) | k = 2, k > 0 | s³/k | 3s²/k | s |');
  });

  it('names, lookup and activation() once registered', () => {
    registerActivation(cube);
    expect(activationNames()).toEqual([...Object.keys(activations), 'cube']);
    expect(getActivation('cube')).toBe(cube);
    expect(activation('cube', { k: 1 })(variable([2])).item()).toBe(8);
  });
});

describe('the built-ins are derived from the one list', () => {
  it('activationNames() is the list, in the lecture\'s order', () => {
    expect(activationNames()).toEqual(Object.keys(activations));
  });

  it('every definition has its op registered, its function exported and its method installed', () => {
    const x = variable([[0.5, -1.5, 2]], { dtype: 'float64' });
    for (const [name, def] of Object.entries(activations)) {
      expect(ops[name as keyof typeof ops], name).toBe(def.op);
      expect((ag as Record<string, unknown>)[name], name).toBe(def.call);
      expect(activationFunctions[name as keyof typeof activations]).toBe(def.call);
      const method = (x as unknown as Record<string, (a?: unknown) => Variable>)[name]!;
      const arg = name === 'prelu' ? variable([0.25], { dtype: 'float64' }) : undefined;
      expect(flat(method.call(x, arg).data), name).toEqual(flat((def.call as (x: Variable, a?: unknown) => Variable)(x, arg).data));
    }
  });

  it('the old call forms still work: positional α and axis, options objects', () => {
    const x = variable([-2, 3], { dtype: 'float64' });
    expect(flat(ag.leakyRelu(x, 0.2).data)).toEqual([-0.4, 3]);
    expect(flat(ag.leakyRelu(x, { alpha: 0.2 }).data)).toEqual([-0.4, 3]);
    expect(flat(x.elu({ alpha: 0.5 }).data)).toEqual(flat(x.elu(0.5).data));
    expect(flat(ag.softmax(variable([[1, 2], [3, 5]]), 0).data)).toEqual(flat(ag.softmax(variable([[1, 2], [3, 5]]), { axis: 0 }).data));
  });

  it('parameters are checked against their constraints with clear errors', () => {
    const x = variable([1]);
    expect(() => ag.leakyRelu(x, 1.5)).toThrow('leakyRelu: alpha must be a finite number in (0, 1), got 1.5');
    expect(() => ag.leakyRelu(x, 0)).toThrow('leakyRelu: alpha must be a finite number in (0, 1), got 0');
    expect(() => ag.elu(x, { alpha: 0 })).toThrow('elu: alpha must be a positive finite number, got 0');
    expect(() => ag.elu(x, { beta: 1 } as never)).toThrow("activation 'elu': unknown option 'beta'; options: alpha");
    expect(() => activation('leakyRelu', { alpha: -0.1 })).toThrow('leakyRelu: alpha must be a finite number in (0, 1), got -0.1');
    expect(() => ag.prelu(x, undefined as never)).toThrow(/prelu: alpha must be a Variable/);
  });
});
