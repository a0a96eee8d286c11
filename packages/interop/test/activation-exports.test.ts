import { activationNames, activations } from '@actgrad/autograd';
import { Activation } from '@actgrad/nn';
import { describe, expect, it } from 'vitest';
import { activationExports } from '../src/index.js';
import { TEST_OPTIONS } from './helpers.js';

describe('activationExports', () => {
  it('covers every built-in activation in the registry, for ONNX and for PyTorch', () => {
    const builtIns = activationNames().filter((n) => Object.prototype.hasOwnProperty.call(activations, n));
    expect(builtIns.length).toBe(Object.keys(activations).length);
    for (const name of builtIns) {
      const entry = (activationExports as Record<string, { onnx: unknown; torch: (l: Activation) => string }>)[name];
      expect(entry, `no export mapping for '${name}'`).toBeDefined();
      expect(typeof entry!.onnx, name).toBe('function');
      expect(entry!.torch(new Activation(name, TEST_OPTIONS[name])), name).toMatch(/^nn\.[A-Za-z]+\(.*\)$/);
    }
  });

  it('writes the options PyTorch needs', () => {
    const torch = (name: keyof typeof activationExports, opts?: Record<string, number>) => activationExports[name].torch(new Activation(name, opts));
    expect(torch('leakyRelu', { alpha: 0.2 })).toBe('nn.LeakyReLU(negative_slope=0.2)');
    expect(torch('elu')).toBe('nn.ELU(alpha=1.0)');
    expect(torch('gelu')).toBe("nn.GELU(approximate='none')");
    expect(torch('prelu')).toBe('nn.PReLU(num_parameters=1)');
  });
});
