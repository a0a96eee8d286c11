import { add as tAdd, div as tDiv, mul as tMul, neg as tNeg, scaleInPlace, sub as tSub, sumTo } from '@actgrad/tensor';
import { NO_ATTRS, type OpDef } from '../op-def.js';

// Binary elementwise ops broadcast like NumPy; each backward sums the gradient back to the
// input's shape (`sumTo`, the adjoint of broadcasting), which returns it untouched when no
// broadcast happened.

type NoAttrs = typeof NO_ATTRS;

/** a + b:  ∂/∂a = g,  ∂/∂b = g. */
export const add: OpDef<NoAttrs> = {
  name: 'add',
  saves: 'none',
  forward: (inputs) => tAdd(inputs[0], inputs[1]),
  backward: ({ grad, saved, needsGrad }) => [
    needsGrad(0) ? sumTo(grad, saved.inputs[0].shape) : null,
    needsGrad(1) ? sumTo(grad, saved.inputs[1].shape) : null,
  ],
};

/** a − b:  ∂/∂a = g,  ∂/∂b = −g. */
export const sub: OpDef<NoAttrs> = {
  name: 'sub',
  saves: 'none',
  forward: (inputs) => tSub(inputs[0], inputs[1]),
  backward: ({ grad, saved, needsGrad }) => [
    needsGrad(0) ? sumTo(grad, saved.inputs[0].shape) : null,
    needsGrad(1) ? tNeg(sumTo(grad, saved.inputs[1].shape)) : null,
  ],
};

/** a · b:  ∂/∂a = g·b,  ∂/∂b = g·a. */
export const mul: OpDef<NoAttrs> = {
  name: 'mul',
  saves: 'input',
  forward: (inputs) => tMul(inputs[0], inputs[1]),
  backward: ({ grad, saved, needsGrad }) => {
    const a = saved.inputs[0];
    const b = saved.inputs[1];
    return [
      needsGrad(0) ? sumTo(tMul(grad, b), a.shape) : null,
      needsGrad(1) ? sumTo(tMul(grad, a), b.shape) : null,
    ];
  },
};

/** a / b:  ∂/∂a = g/b,  ∂/∂b = −g·a/b² = −(g/b)·out. */
export const div: OpDef<NoAttrs> = {
  name: 'div',
  saves: 'both',
  forward: (inputs) => tDiv(inputs[0], inputs[1]),
  backward: ({ grad, saved, needsGrad }) => {
    const a = saved.inputs[0];
    const b = saved.inputs[1];
    const gOverB = tDiv(grad, b);
    return [
      needsGrad(0) ? sumTo(gOverB, a.shape) : null,
      needsGrad(1) ? sumTo(scaleInPlace(tMul(gOverB, saved.output), -1), b.shape) : null,
    ];
  },
};
