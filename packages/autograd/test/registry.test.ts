import { tensor } from '@actgrad/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import {
  activation, activationNames, activations, checkActivation, defineActivation, ops, parameter, registerActivation,
  sigmoid, unregisterActivation, variable, type ActivationName,
} from '../src/index.js';
import { flat } from './helpers.js';

const builtins = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'selu', 'softmax', 'logSoftmax', 'gelu', 'silu', 'softplus', 'prelu'];

describe('activation registry', () => {
  afterEach(() => {
    unregisterActivation('softsign');
    unregisterActivation('mySigmoid');
  });

  it('lists every activation of the notes plus the modern ones, by name', () => {
    expect(activationNames()).toEqual(builtins);
  });

  it('throws on an unknown name, listing the valid ones', () => {
    expect(() => activation('nope')).toThrow(`unknown activation 'nope'; valid: ${builtins.join(', ')}`);
  });

  it('refuses options an activation does not take', () => {
    expect(() => activation('relu', { alpha: 0.1 })).toThrow(/activation 'relu': unknown option 'alpha' \(it takes none\)/);
    expect(() => activation('elu', { beta: 1 })).toThrow(/unknown option 'beta'; options: alpha/);
    expect(() => activation('elu', { alpha: -1 })(variable([1]))).toThrow(/alpha must be a positive finite number/);
  });

  it('entries say what they save, whether they are elementwise, and run their own op', () => {
    for (const name of builtins as ActivationName[]) {
      const entry = activations[name];
      expect(entry.name).toBe(name);
      expect(ops[name]).toBe(entry.op);
      expect(entry.saves).toBe(entry.op.saves);
      expect(entry.elementwise).toBe(name !== 'softmax' && name !== 'logSoftmax');
    }
    expect(activations.sigmoid.saves).toBe('output');
    expect(activations.tanh.saves).toBe('output');
    expect(activations.elu.saves).toBe('output');
    expect(activations.relu.saves).toBe('input');
  });

  it('passes hyper-parameters by name, with the documented defaults', () => {
    const x = variable([-2, 3], { dtype: 'float64' });
    expect(flat(activation('leakyRelu')(x).data)).toEqual([-0.02, 3]);
    expect(flat(activation('leakyRelu', { alpha: 0.2 })(x).data)).toEqual([-0.4, 3]);
    expect(flat(activation('elu', { alpha: 0.5 })(x).data)[0]).toBeCloseTo(0.5 * Math.expm1(-2), 14);
  });

  it('gives prelu its own learnable alpha, listed on the returned function', () => {
    const act = activation('prelu');
    expect(act.parameters).toHaveLength(1);
    const alpha = act.parameters[0];
    expect(alpha.item()).toBeCloseTo(0.25, 7);
    const x = variable([[-2, 3], [-1, -4]]);
    act(x).sum().backward();
    expect(alpha.grad!.item()).toBeCloseTo(-2 - 1 - 4, 6); // ∂/∂α = Σ s over s < 0
    const act64 = activation('prelu');
    const x64 = variable([[-2, 3]], { dtype: 'float64' });
    act64(x64).sum().backward();
    expect(act64.parameters[0].dtype).toBe('float64'); // an owned α follows the input's dtype
    expect(act64.parameters[0].grad!.item()).toBe(-2);
    const shared = parameter([0.1]);
    expect(activation('prelu', { alpha: shared }).parameters[0]).toBe(shared);
  });

  it('every built-in passes checkActivation', () => {
    for (const name of builtins) {
      const result = checkActivation(name);
      expect({ name, ok: result.ok }).toEqual({ name, ok: true });
    }
  });
});

describe('user-defined activations', () => {
  afterEach(() => {
    unregisterActivation('softsign');
    unregisterActivation('mySigmoid');
  });

  // softsign: a = s/(1 + |s|), a' = 1/(1 + |s|)², written in terms of s.
  const softsign = () => defineActivation({
    name: 'softsign',
    forward: (s) => s / (1 + Math.abs(s)),
    derivative: ({ s }) => 1 / ((1 + Math.abs(s)) * (1 + Math.abs(s))),
    saves: 'input',
  });

  it('behaves like a built-in node and passes checkActivation', () => {
    const def = softsign();
    const x = parameter([-3, 0.5, 1], { dtype: 'float64' });
    const a = activation(def)(x);
    expect(flat(a.data)).toEqual([-0.75, 0.5 / 1.5, 0.5]);
    a.backward(tensor([2, 4, 8], { dtype: 'float64' }));
    expect(flat(x.grad!)).toEqual([2 / 16, 4 / 2.25, 8 / 4].map((v) => expect.closeTo(v, 14)));
    expect(checkActivation(def).ok).toBe(true);
  });

  it('can be written in terms of its output, like σ\' = a(1 − a), and matches the built-in', () => {
    const def = defineActivation({
      name: 'mySigmoid',
      forward: (s) => 1 / (1 + Math.exp(-s)),
      derivative: ({ a }) => a * (1 - a),
      saves: 'output',
    });
    expect(checkActivation(def).ok).toBe(true);
    const s = [-2, 0.3, 4];
    const x1 = parameter(s, { dtype: 'float64' });
    const x2 = parameter(s, { dtype: 'float64' });
    activation(def)(x1).backward(tensor([1, -2, 3], { dtype: 'float64' }));
    sigmoid(x2).backward(tensor([1, -2, 3], { dtype: 'float64' }));
    flat(x1.grad!).forEach((g, i) => expect(g).toBeCloseTo(flat(x2.grad!)[i], 14));
  });

  it('is usable by name once registered, and listed', () => {
    registerActivation(softsign());
    expect(activationNames()).toContain('softsign');
    expect(flat(activation('softsign')(variable([1])).data)).toEqual([0.5]);
    expect(() => registerActivation(softsign())).toThrow(/'softsign' is already registered/);
    expect(() => registerActivation({ ...softsign(), name: 'relu' })).toThrow(/'relu' is a built-in activation/);
  });

  it('checkActivation catches a wrong derivative defined with the check turned off', () => {
    const wrong = defineActivation({ name: 'softsign', forward: (s) => s / (1 + Math.abs(s)), derivative: ({ s }) => 1 / (1 + Math.abs(s)), check: false });
    const result = checkActivation(wrong);
    expect(result.ok).toBe(false);
    expect(result.worst.input).toBe(0);
  });

  it('refuses a derivative that disagrees with the forward, showing the worst point', () => {
    // a' = −5 everywhere for a = tanh s: trained silently before the check.
    expect(() => defineActivation({ name: 'badTanh', forward: Math.tanh, derivative: () => -5 }))
      .toThrow(/defineActivation 'badTanh': the derivative disagrees with the forward; worst at s = -?50: derivative -5, forward's slope 0 .*\{ check: false \}/);
    // Right away from 0 but wrong at the kink's right side: found by the ± ε points.
    const kinked = () => defineActivation({ name: 'kinked', forward: (s) => Math.max(s, 0), derivative: ({ s }) => (s > 0.05 ? 1 : 0), saves: 'input' });
    expect(kinked).toThrow(/worst at s = 0\.001: derivative 0, forward's slope 0\.9999/);
    // Wrong only far out: found at the large-|s| points.
    expect(() => defineActivation({ name: 'farOut', forward: (s) => s * s, derivative: ({ s }) => (Math.abs(s) > 10 ? s : 2 * s), saves: 'input' }))
      .toThrow(/worst at s = -?50: derivative -?50, forward's slope -?100/);
    // A derivative that reads what `saves` leaves out sees NaN and is named as such.
    expect(() => defineActivation({ name: 'unsaved', forward: (s) => 2 * s, derivative: ({ a }) => a / a * 2, saves: 'input' }))
      .toThrow(/derivative NaN.*reads s or a that `saves` leaves out/);
  });

  it('lets the author opt out explicitly, and checks a definition registered without defineActivation', () => {
    const def = defineActivation({ name: 'softsign', forward: (s) => s, derivative: () => -5, check: false });
    expect(registerActivation(def)).toBe(def); // opted out when defined: registering does not re-check
    unregisterActivation('softsign');
    const handMade = { ...def, name: 'mySigmoid' };
    expect(() => registerActivation(handMade)).toThrow(/defineActivation 'mySigmoid': the derivative disagrees/);
  });

  it('refuses a malformed definition', () => {
    expect(() => defineActivation({ name: '', forward: (s) => s, derivative: () => 1 })).toThrow(/name must be an identifier/);
    expect(() => defineActivation({ name: 'x', forward: 3 as never, derivative: () => 1 })).toThrow(/must be functions/);
  });
});
