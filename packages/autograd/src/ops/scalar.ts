import { add as tAdd, div as tDiv, mul as tMul } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';

// A number operand (x·2, x + 1, x / n) stays a number: the tensor kernels take it directly, so
// no 0-d tensor is allocated per call and the backward is a single scaling.

export interface ScalarAttrs { readonly scalar: number }

/** x + c:  ∂/∂x = g. */
export const addScalar: OpDef<ScalarAttrs> = {
  name: 'addScalar',
  saves: 'none',
  forward: (inputs, { scalar }) => tAdd(inputs[0], scalar),
  backward: ({ grad }) => [grad],
};

/** x · c:  ∂/∂x = g·c. */
export const mulScalar: OpDef<ScalarAttrs> = {
  name: 'mulScalar',
  saves: 'none',
  forward: (inputs, { scalar }) => tMul(inputs[0], scalar),
  backward: ({ grad, attrs: { scalar } }) => [tMul(grad, scalar)],
};

/** x / c:  ∂/∂x = g/c. */
export const divScalar: OpDef<ScalarAttrs> = {
  name: 'divScalar',
  saves: 'none',
  forward: (inputs, { scalar }) => tDiv(inputs[0], scalar),
  backward: ({ grad, attrs: { scalar } }) => [tDiv(grad, scalar)],
};
