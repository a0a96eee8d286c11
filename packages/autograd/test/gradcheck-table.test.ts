import { full, tensor, uniform, type Tensor } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { activations, ops, parameter, type ActivationName, type OpDef, type OpName, type Variable } from '../src/index.js';
import type { Saved } from '../src/op-def.js';
import { activationCase, type Case } from './activation-cases.js';
import { everyOtherRow, rnd, transposed } from './helpers.js';

const positive = { lo: 0.5, hi: 2 };
const labels = [2, 0, 1, 2];

/**
 * At least one case per registered op, on inputs away from kinks (0 for the ReLU family and
 * abs, the clamp bounds, ties for max), including non-contiguous views and broadcasting.
 * Every activation gets a case from its definition (activation-cases.ts) before the ones written
 * here; a registered op without a case fails the coverage test below.
 */
const written: Record<Exclude<OpName, ActivationName>, readonly Case[]> & Partial<Record<ActivationName, readonly Case[]>> = {
  add: [
    { label: 'transposed + broadcast row', inputs: [transposed([3, 4], 1), rnd([4], 2)], f: (a, b) => ag.add(a, b) },
    { label: 'broadcast both ways', inputs: [rnd([2, 1, 4], 3), rnd([3, 1], 4)], f: (a, b) => ag.add(a, b) },
  ],
  sub: [{ label: 'strided - broadcast column', inputs: [everyOtherRow([3, 4], 5), rnd([3, 1], 6)], f: (a, b) => ag.sub(a, b) }],
  mul: [
    { label: 'transposed * broadcast', inputs: [transposed([3, 4], 7), rnd([1, 4], 8)], f: (a, b) => ag.mul(a, b) },
    { label: 'x * x (records x^2)', inputs: [transposed([3, 4], 79)], f: (x) => ag.mul(x, x) },
    { label: 'x * x of one view', inputs: [rnd([2, 3], 80)], f: (x) => { const v = ag.tanh(x); return ag.mul(v, v); } },
  ],
  div: [{ label: 'broadcast denominator', inputs: [transposed([3, 4], 9), rnd([4], 10, positive)], f: (a, b) => ag.div(a, b) }],
  addScalar: [{ label: 'x + 1.5 and 2 - x', inputs: [transposed([3, 2], 11)], f: (x) => ag.add(ag.add(x, 1.5), ag.sub(2, x).mul(x)) }],
  mulScalar: [{ label: 'x * -3', inputs: [everyOtherRow([2, 3], 12)], f: (x) => ag.mul(x, -3) }],
  divScalar: [{ label: 'x / 7', inputs: [transposed([2, 3], 13)], f: (x) => ag.div(x, 7) }],
  neg: [{ label: 'view', inputs: [transposed([2, 3], 14)], f: (x) => ag.neg(x) }],
  pow: [
    { label: 'cube', inputs: [transposed([3, 2], 15)], f: (x) => ag.pow(x, 3) },
    { label: 'square', inputs: [rnd([4], 16)], f: (x) => ag.pow(x, 2) },
    { label: 'fractional on positives', inputs: [rnd([2, 3], 17, positive)], f: (x) => ag.pow(x, -1.5) },
  ],
  exp: [{ label: 'view', inputs: [transposed([3, 2], 18)], f: (x) => ag.exp(x) }],
  log: [{ label: 'positives', inputs: [everyOtherRow([3, 2], 19, positive)], f: (x) => ag.log(x) }],
  sqrt: [{ label: 'positives', inputs: [transposed([3, 2], 20, positive)], f: (x) => ag.sqrt(x) }],
  abs: [{ label: 'away from 0', inputs: [transposed([3, 3], 21)], f: (x) => ag.abs(x) }],
  clamp: [
    { label: 'both bounds', inputs: [transposed([4, 3], 22, { kinks: [-0.5, 0.5] })], f: (x) => ag.clamp(x, -0.5, 0.5) },
    { label: 'lower bound only', inputs: [rnd([5], 23, { kinks: [0.2] })], f: (x) => ag.clamp(x, 0.2, null) },
  ],
  affine: [
    { label: 'x·W + b, transposed x', inputs: [transposed([3, 4], 90), rnd([4, 5], 91), rnd([5], 92)], f: (x, w, b) => ag.affine(x, w, b) },
    { label: 'no bias, strided W', inputs: [rnd([5, 3], 93), everyOtherRow([3, 2], 94)], f: (x, w) => ag.affine(x, w) },
    { label: 'strided bias', inputs: [rnd([2, 3], 95), rnd([3, 4], 96), rnd([8], 97).slice([0, 8, 2])], f: (x, w, b) => ag.affine(x, w, b) },
  ],
  matmul: [
    { label: 'transposed operands', inputs: [transposed([3, 4], 24), transposed([4, 2], 25)], f: (a, b) => ag.matmul(a, b) },
    { label: 'batched with a broadcast 2-D operand', inputs: [rnd([2, 3, 4], 26), rnd([4, 2], 27)], f: (a, b) => ag.matmul(a, b) },
    { label: 'batched, batch axis broadcast', inputs: [rnd([1, 2, 3], 28), rnd([3, 3, 2], 29)], f: (a, b) => ag.matmul(a, b) },
  ],
  sum: [
    { label: 'all axes', inputs: [transposed([3, 4], 30)], f: (x) => ag.sum(x) },
    { label: 'axis 1 keepDims', inputs: [rnd([2, 3, 4], 31)], f: (x) => ag.sum(x, 1, true) },
    { label: 'axes [0, 2]', inputs: [rnd([2, 3, 4], 32)], f: (x) => ag.sum(x, [0, -1]) },
  ],
  mean: [
    { label: 'all', inputs: [everyOtherRow([3, 4], 33)], f: (x) => ag.mean(x) },
    { label: 'axis 0', inputs: [transposed([3, 4], 34)], f: (x) => ag.mean(x, 0) },
  ],
  max: [
    { label: 'axis 1 of a view', inputs: [transposed([3, 5], 35)], f: (x) => ag.max(x, 1) },
    { label: 'all, keepDims', inputs: [rnd([2, 3], 36)], f: (x) => ag.max(x, undefined, true) },
  ],
  reshape: [{ label: 'of a transposed view (copies)', inputs: [transposed([3, 4], 37)], f: (x) => ag.reshape(x, [2, -1]).mul(rowScale(2, 6)) }],
  transpose: [
    { label: 'reverse', inputs: [rnd([2, 3, 4], 38)], f: (x) => ag.transpose(x).mul(rowScale(4, 3, 2)) },
    { label: 'axes', inputs: [rnd([2, 3, 4], 39)], f: (x) => ag.transpose(x, 2, 0, 1) },
  ],
  permute: [{ label: '3-D', inputs: [transposed([2, 3, 4], 40)], f: (x) => ag.permute(x, [1, 2, 0]).exp() }],
  slice: [
    { label: 'stepped rows, index column', inputs: [rnd([5, 4], 41)], f: (x) => ag.slice(x, [1, 5, 2], 2) },
    { label: 'negative step', inputs: [transposed([4, 3], 42)], f: (x) => ag.slice(x, [null, null, -1], [0, 2]) },
  ],
  expand: [{ label: '[3,1] to [2,3,4]', inputs: [rnd([3, 1], 43)], f: (x) => ag.expand(x, [2, 3, 4]) }],
  concat: [
    { label: 'axis 1 of two views', inputs: [transposed([3, 2], 44), rnd([3, 4], 45)], f: (a, b) => ag.concat([a, b], 1) },
    { label: 'axis 0, three inputs', inputs: [rnd([1, 3], 46), rnd([2, 3], 47), rnd([1, 3], 48)], f: (a, b, c) => ag.concat([a, b, c], 0) },
  ],
  gather: [{
    label: 'axis 1 with repeated indices',
    inputs: [transposed([3, 4], 49)],
    f: (x) => ag.gather(x, tensor([[0, 3, 3], [1, 1, 2], [2, 0, 0]], { dtype: 'float64' }), 1),
  }],
  pick: [{ label: 'integer labels on a view', inputs: [transposed([4, 3], 50)], f: (x) => ag.pick(x, labels) }],
  where: [{
    label: 'broadcast cond and operands',
    inputs: [rnd([3, 4], 51), rnd([4], 52)],
    f: (a, b) => ag.where(tensor([[1], [0], [1]], { dtype: 'float64' }), a, b),
  }],
  linear: [{ label: 'view', inputs: [transposed([3, 4], 53)], f: (x) => ag.linear(x) }],
  sigmoid: [{ label: 'view', inputs: [transposed([3, 4], 54, { lo: -6, hi: 6 })], f: (x) => ag.sigmoid(x) }],
  tanh: [{ label: 'view', inputs: [transposed([3, 4], 55)], f: (x) => ag.tanh(x) }],
  relu: [{ label: 'view, away from 0', inputs: [transposed([3, 4], 56)], f: (x) => ag.relu(x) }],
  leakyRelu: [
    { label: 'default alpha', inputs: [transposed([3, 4], 57)], f: (x) => ag.leakyRelu(x) },
    { label: 'alpha 0.2 on a stepped view', inputs: [everyOtherRow([3, 4], 58)], f: (x) => ag.leakyRelu(x, 0.2) },
  ],
  elu: [
    { label: 'alpha 1', inputs: [transposed([3, 4], 59)], f: (x) => ag.elu(x) },
    { label: 'alpha 0.7', inputs: [rnd([6], 60, { lo: -4, hi: 2 })], f: (x) => ag.elu(x, 0.7) },
  ],
  selu: [{ label: 'view', inputs: [transposed([3, 4], 61)], f: (x) => ag.selu(x) }],
  softmax: [
    { label: 'last axis of a view', inputs: [transposed([3, 4], 62)], f: (x) => ag.softmax(x) },
    { label: 'middle axis of 3-D', inputs: [rnd([2, 3, 4], 63)], f: (x) => ag.softmax(x, 1) },
  ],
  logSoftmax: [
    { label: 'last axis of a view', inputs: [transposed([3, 4], 64)], f: (x) => ag.logSoftmax(x) },
    { label: 'axis 0', inputs: [rnd([3, 4], 65)], f: (x) => ag.logSoftmax(x, 0) },
  ],
  gelu: [{ label: 'view, wide range', inputs: [transposed([3, 4], 66, { lo: -4, hi: 4 })], f: (x) => ag.gelu(x) }],
  silu: [{ label: 'view', inputs: [transposed([3, 4], 67, { lo: -4, hi: 4 })], f: (x) => ag.silu(x) }],
  softplus: [{ label: 'view', inputs: [transposed([3, 4], 68, { lo: -5, hi: 5 })], f: (x) => ag.softplus(x) }],
  prelu: [
    { label: 'per-channel alpha on [N, C, L]', inputs: [rnd([2, 3, 2], 69), rnd([3], 70, { lo: 0.05, hi: 0.5 })], f: (x, a) => ag.prelu(x, a) },
    { label: 'one alpha, transposed x', inputs: [transposed([3, 4], 71), rnd([1], 72, { lo: 0.1, hi: 0.3 })], f: (x, a) => ag.prelu(x, a) },
  ],
  softmaxCrossEntropy: [
    { label: 'mean over a view', inputs: [transposed([4, 3], 73)], f: (z) => ag.softmaxCrossEntropy(z, labels) },
    { label: 'sum', inputs: [rnd([4, 3], 74, { lo: -5, hi: 5 })], f: (z) => ag.softmaxCrossEntropy(z, labels, { reduction: 'sum' }) },
    { label: 'none', inputs: [rnd([4, 3], 75)], f: (z) => ag.softmaxCrossEntropy(z, tensor(labels), { reduction: 'none' }) },
  ],
  sigmoidBinaryCrossEntropy: [
    { label: 'mean, logits and soft targets', inputs: [transposed([3, 2], 76, { lo: -5, hi: 5 }), rnd([3, 2], 77, { lo: 0, hi: 1 })], f: (z, y) => ag.sigmoidBinaryCrossEntropy(z, y) },
    { label: 'none', inputs: [rnd([5], 78)], f: (z) => ag.sigmoidBinaryCrossEntropy(z, tensor([0, 1, 1, 0, 1], { dtype: 'float64' }), { reduction: 'none' }) },
  ],
};

const cases = { ...written } as Record<OpName, readonly Case[]>;
Object.values(activations).forEach((def, i) => {
  cases[def.name as ActivationName] = [activationCase(def, 200 + i), ...(written[def.name as ActivationName] ?? [])];
});

/** Distinct per-position weights, so a movement op that puts gradients in the wrong place fails. */
function rowScale(...shape: number[]): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Array.from({ length: n }, (_, i) => 1 + i / n), { shape, dtype: 'float64' });
}

/** Gradients of all inputs of `c`, optionally with every undeclared saved tensor of `op` replaced by NaN. */
function inputGrads(c: Case, op: OpDef<never>, hideUndeclared: boolean): number[][] {
  const leaves = c.inputs.map((t) => parameter(t.clone()));
  const out = c.f(...leaves);
  if (hideUndeclared) {
    const stack: Variable[] = [out];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.op === op && node.saved !== null) node.saved = hide(node.saved, op.saves);
      for (const input of node.inputs ?? []) stack.push(input);
    }
  }
  out.backward(uniform(out.shape, -1, 1, { seed: 7, dtype: 'float64' }));
  return leaves.map((v) => (v.grad === null ? [] : Array.from(v.grad.contiguous().data)));
}

const nanLike = (t: Tensor) => full(t.shape, NaN, t.dtype);
function hide(saved: Saved, saves: OpDef['saves']): Saved {
  const keepInputs = saves === 'input' || saves === 'both';
  const keepOutput = saves === 'output' || saves === 'both';
  return {
    inputs: keepInputs ? saved.inputs : saved.inputs.map(nanLike),
    output: keepOutput ? saved.output : nanLike(saved.output),
  };
}

describe('every op reads only what it says it saves', () => {
  for (const name of Object.keys(ops) as OpName[]) {
    const op = ops[name] as OpDef<never>;
    it(`${name} saves '${op.saves}'`, () => {
      // Undeclared tensors keep their shapes but hold NaN: a backward that reads them gives NaN.
      const c = cases[name][0];
      expect(inputGrads(c, op, true)).toEqual(inputGrads(c, op, false));
    });
  }
});

describe('gradcheck over the op registry', () => {
  it('has a case for every registered op', () => {
    const missing = Object.keys(ops).filter((name) => !(cases as Record<string, readonly Case[] | undefined>)[name]?.length);
    expect(missing).toEqual([]);
  });

  for (const name of Object.keys(ops) as OpName[]) {
    for (const c of cases[name] ?? []) {
      it(`${name}: ${c.label}`, () => {
        const result = ag.gradcheck(c.f, c.inputs, { seed: name });
        expect(result.ok, `${name} (${c.label}) ${JSON.stringify(result.worst)}`).toBe(true);
        expect(result.maxAbsError).toBeLessThan(1e-5);
      });
    }
  }
});
