import { defineActivation, registerActivation } from '@actgrad/autograd';

/**
 * A user-defined activation, registered by name: load it with `--import` and it can be trained,
 * compared and plotted like the built-ins.
 *
 *   pnpm lab --import examples/src/custom/softsign.ts --hidden relu,tanh,softsign
 *
 * Softsign is tanh's cousin with polynomial instead of exponential tails, so it saturates more
 * slowly: a = s / (1 + |s|), a′ = 1 / (1 + |s|)².
 */
export const softsign = registerActivation(
  defineActivation({
    name: 'softsign',
    forward: (s) => s / (1 + Math.abs(s)),
    derivative: ({ s }) => 1 / (1 + Math.abs(s)) ** 2,
    saves: 'input',
    formula: 's/(1+|s|)',
    derivativeFormula: '1/(1+|s|)^2',
  }),
);
