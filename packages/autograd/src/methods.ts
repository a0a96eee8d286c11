import type { SliceSpec, Tensor } from '@actgrad/tensor';
import { activationFunctions } from './activations/builtins.js';
import { activation, type ActivationDef, type ActivationOptions } from './activations/registry.js';
import * as F from './functional.js';
import type { LabelsLike } from './ops/labels.js';
import type { Axes } from './ops/reduce.js';
import { Variable } from './variable.js';

/** The op methods of a Variable, each the functional form with `this` as its first operand. */
export interface OpMethods {
  /** this + b, broadcasting; a number stays a scalar. */
  add(b: F.Operand): Variable;
  /** this − b, broadcasting. */
  sub(b: F.Operand): Variable;
  /** this · b elementwise, broadcasting. */
  mul(b: F.Operand): Variable;
  /** this / b elementwise, broadcasting. */
  div(b: F.Operand): Variable;
  /** −this. */
  neg(): Variable;
  /** this^p for a constant p. */
  pow(exponent: number): Variable;
  /** e^this (saves its output). */
  exp(): Variable;
  /** Natural logarithm (saves its input). */
  log(): Variable;
  /** Square root (saves its output). */
  sqrt(): Variable;
  /** |this|; gradient 0 at 0. */
  abs(): Variable;
  /** Clamped into [min, max]; null/undefined leaves a side open. */
  clamp(min: number | null | undefined, max: number | null | undefined): Variable;
  /** Matrix product, 2-D or batched. */
  matmul(b: Variable | Tensor): Variable;
  /** Sum over an axis, several, or all. */
  sum(axis?: Axes, keepDims?: boolean): Variable;
  /** Mean over an axis, several, or all. */
  mean(axis?: Axes, keepDims?: boolean): Variable;
  /** Maximum over an axis, several, or all; ties share the gradient. */
  max(axis?: Axes, keepDims?: boolean): Variable;
  /** Same elements, new shape (one -1 allowed). */
  reshape(shape: readonly number[]): Variable;
  /** Reverses the axes, or permutes them when given. */
  transpose(...axes: number[]): Variable;
  /** Permutes the axes. */
  permute(axes: readonly number[]): Variable;
  /** Python-style slicing per axis (a view). */
  slice(...specs: SliceSpec[]): Variable;
  /** Broadcast to `shape` (a view). */
  expand(shape: readonly number[]): Variable;
  /** This value followed by `others` along `axis`. */
  concat(others: readonly (Variable | Tensor)[], axis?: number): Variable;
  /** torch.gather along `axis`. */
  gather(indices: Tensor, axis: number): Variable;
  /** Row i's element labels[i] of a 2-D value. */
  pick(labels: LabelsLike): Variable;
  /** This value as the condition: `cond.where(a, b)` is a where cond ≠ 0, else b. */
  where(a: F.Operand, b: F.Operand): Variable;
  /** Applies a registered activation by name (or a user definition). */
  activation(nameOrDef: string | ActivationDef, options?: ActivationOptions): Variable;
}

type Method = (this: Variable, ...args: never[]) => Variable;

const opMethods: { [K in keyof OpMethods]: (this: Variable, ...args: Parameters<OpMethods[K]>) => Variable } = {
  add(b) { return F.add(this, b); },
  sub(b) { return F.sub(this, b); },
  mul(b) { return F.mul(this, b); },
  div(b) { return F.div(this, b); },
  neg() { return F.neg(this); },
  pow(exponent) { return F.pow(this, exponent); },
  exp() { return F.exp(this); },
  log() { return F.log(this); },
  sqrt() { return F.sqrt(this); },
  abs() { return F.abs(this); },
  clamp(min, max) { return F.clamp(this, min, max); },
  matmul(b) { return F.matmul(this, b); },
  sum(axis, keepDims = false) { return F.sum(this, axis, keepDims); },
  mean(axis, keepDims = false) { return F.mean(this, axis, keepDims); },
  max(axis, keepDims = false) { return F.max(this, axis, keepDims); },
  reshape(shape) { return F.reshape(this, shape); },
  transpose(...axes) { return F.transpose(this, ...axes); },
  permute(axes) { return F.permute(this, axes); },
  slice(...specs) { return F.slice(this, ...specs); },
  expand(shape) { return F.expand(this, shape); },
  concat(others, axis = 0) { return F.concat([this, ...others], axis); },
  gather(indices, axis) { return F.gather(this, indices, axis); },
  pick(labels) { return F.pick(this, labels); },
  where(a, b) { return F.where(this, a, b); },
  activation(nameOrDef, options) { return activation(nameOrDef, options)(this); },
};

/** `x.name(arg)` calling `fn(x, arg)`, for each functional form in `fns` (activations take at most one argument after x). */
export function installFunctions(proto: object, fns: Readonly<Record<string, (x: Variable, arg?: never) => Variable>>): void {
  for (const [name, fn] of Object.entries(fns)) {
    const method = function (this: Variable, arg?: never): Variable { return fn(this, arg); };
    Object.defineProperty(proto, name, { value: method, writable: true, configurable: true, enumerable: false });
  }
}

let installed = false;

/**
 * Puts every op and activation method on Variable.prototype: the one place they are attached, run
 * once by the package's entry (index.ts). The activation methods come from the definitions' list.
 */
export function installVariableMethods(): void {
  if (installed) return;
  installed = true;
  for (const [name, fn] of Object.entries(opMethods)) {
    Object.defineProperty(Variable.prototype, name, { value: fn as Method, writable: true, configurable: true, enumerable: false });
  }
  installFunctions(Variable.prototype, activationFunctions as unknown as Record<string, (x: Variable, arg?: never) => Variable>);
}
