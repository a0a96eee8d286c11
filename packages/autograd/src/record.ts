import { full, Tensor, type DType } from '@actgrad/tensor';
import { isGradEnabled } from './grad-mode.js';
import type { OpDef } from './op-def.js';
import { Variable } from './variable.js';

/**
 * Runs `op` forward on the inputs' tensors and, when grad mode is on and some input requires a
 * gradient, records the node: its op, inputs, saved tensors and attrs. Constant work per node.
 */
export function apply<A>(op: OpDef<A>, inputs: readonly Variable[], attrs: A): Variable {
  const n = inputs.length;
  const tensors = new Array<Tensor>(n);
  let needs = false;
  for (let i = 0; i < n; i++) {
    const v = inputs[i];
    tensors[i] = v.data;
    if (v.requiresGrad) needs = true;
  }
  const out = op.forward(tensors, attrs);
  if (!needs || !isGradEnabled()) return new Variable(out, false);
  const node = new Variable(out, true);
  node.op = op as OpDef<unknown>;
  node.inputs = inputs;
  node.saved = { inputs: tensors, output: out };
  node.attrs = attrs;
  return node;
}

/** A Variable, a Tensor (a constant) or a number (a constant of the other operand's dtype). */
export type Operand = Variable | Tensor | number;

/** `x` as a Variable: tensors and numbers become constants that never require a gradient. */
export function lift(op: string, x: Operand, dtype: DType): Variable {
  if (x instanceof Variable) return x;
  if (x instanceof Tensor) return new Variable(x, false);
  if (typeof x === 'number') {
    if (Number.isNaN(x)) throw new Error(`${op}: operand is NaN`);
    return new Variable(full([], x, dtype), false);
  }
  throw new TypeError(`${op}: expected a Variable, Tensor or number, got ${describe(x)}`);
}

/** The dtype two operands will compute in: the first non-number's. */
export function dtypeOf(a: Operand, b: Operand): DType {
  if (typeof a !== 'number' && a !== null && typeof a === 'object' && 'dtype' in a) return a.dtype;
  if (typeof b !== 'number' && b !== null && typeof b === 'object' && 'dtype' in b) return b.dtype;
  return 'float32';
}

/** `x` as a Variable, refusing numbers: for ops whose input must have a shape. */
export function asVariable(op: string, x: Variable | Tensor): Variable {
  if (x instanceof Variable) return x;
  if (x instanceof Tensor) return new Variable(x, false);
  throw new TypeError(`${op}: expected a Variable or Tensor, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with variable(...))';
  return typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}
