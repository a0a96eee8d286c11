import { tensor, zeros } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { parameter, variable } from '../src/index.js';

describe('errors at the public API name what is wrong', () => {
  const x = parameter(zeros([32, 3]));

  it('shape mismatches give both shapes', () => {
    expect(() => ag.matmul(x, parameter(zeros([4, 16])))).toThrow('matmul: shapes [32,3] and [4,16] do not match (3 ≠ 4)');
    expect(() => ag.add(parameter(zeros([2, 3])), parameter(zeros([4])))).toThrow(/add: shapes \[2,3\] and \[4\] cannot broadcast/);
    expect(() => ag.matmul(x, parameter(zeros([3])))).toThrow(/matmul: operands must be at least 2-D, got shapes \[32,3\] and \[3\]/);
    expect(() => ag.concat([x, parameter(zeros([32, 2])), parameter(zeros([31, 3]))], 1)).toThrow(/concat: shapes \[32,3\] and \[31,3\] differ outside axis 1/);
    expect(() => ag.prelu(x, parameter(zeros([2])))).toThrow(/prelu: alpha of shape \[2\] for x of shape \[32,3\]; expected 1 or 3/);
  });

  it('labels are checked once, at the boundary', () => {
    const z = parameter(zeros([2, 3]));
    expect(() => ag.pick(z, [0, 5])).toThrow('pick: label 5 at row 1 is not an integer class in [0, 3)');
    expect(() => ag.pick(z, [0, 1.5])).toThrow(/label 1.5 at row 1/);
    expect(() => ag.softmaxCrossEntropy(z, [0])).toThrow('softmaxCrossEntropy: 1 labels for 2 rows');
    expect(() => ag.softmaxCrossEntropy(z, [0, 1], { reduction: 'avg' as never })).toThrow(/reduction must be 'mean', 'sum' or 'none'/);
    expect(() => ag.sigmoidBinaryCrossEntropy(z, zeros([3, 2]))).toThrow(/targets of shape \[3,2\] for logits of shape \[2,3\]/);
  });

  it('axes, exponents and operands are validated', () => {
    expect(() => ag.softmax(x, 2)).toThrow('softmax: axis 2 out of range for a tensor of 2 dimensions');
    expect(() => ag.gather(x, tensor([[3]]), 1)).toThrow(/gather: index 3 out of range for axis 1 of size 3/);
    expect(() => ag.add(x, [1, 2, 3] as never)).toThrow(/add: expected a Variable, Tensor or number, got an array/);
    expect(() => ag.clamp(x, 2, 1)).toThrow(/clamp: invalid bounds \[2, 1\]/);
    expect(() => ag.leakyRelu(x, NaN)).toThrow(/leakyRelu: alpha must be a finite number/);
  });

  it('backward checks the upstream gradient it is given', () => {
    const y = variable([1, 2], { requiresGrad: true, dtype: 'float64' }).mul(2);
    expect(() => y.backward(tensor([1, 2]))).toThrow('backward: gradient dtype float32 for a float64 value');
  });

  it('gradcheck refuses inputs whose elements alias', () => {
    const broadcast = tensor([1, 2], { dtype: 'float64' }).expand([3, 2]);
    expect(() => ag.gradcheck((v) => v.sum(), [broadcast])).toThrow(/input 0 is a broadcast view \(stride 0 on axis 0\)/);
    const base = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    expect(() => ag.gradcheck((a, b) => a.add(b), [base, base.transpose()])).toThrow('gradcheck: inputs 0 and 1 share storage; pass a clone() of one');
  });
});
