import type { Tensor } from '@actgrad/tensor';

/**
 * What an op's backward reads besides the upstream gradient: its inputs (log, relu), its output
 * (exp, sigmoid, tanh, elu keep `a`, as the lecture writes their derivatives in terms of `a`),
 * both, or nothing (add, neg, reshape need only shapes).
 */
export type Saves = 'input' | 'output' | 'both' | 'none';

/** The tensors recorded with a node. Shapes of the inputs are always available through `inputs`. */
export interface Saved {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
}

/** Everything an op's backward gets, by name. */
export interface BackwardArgs<A> {
  /** Upstream gradient ∂L/∂output, in the output's shape (possibly a strided or broadcast view). */
  readonly grad: Tensor;
  readonly saved: Saved;
  /** The non-differentiable arguments the op was called with (axis, alpha, labels, …). */
  readonly attrs: A;
  /** Whether input `i` wants a gradient; skip the work when it does not. */
  needsGrad(i: number): boolean;
  /**
   * Contiguous storage, in input `i`'s shape and dtype, that its gradient may be written into
   * (overwriting it): a leaf's gradient storage after `zeroGrad`. An op that writes there returns
   * that same tensor as input `i`'s gradient, which saves the engine a copy; `null` when there
   * is no such storage (then return a gradient as usual).
   */
  gradInto(i: number): Tensor | null;
}

/**
 * One differentiable op: its name, what it saves, forward and backward side by side.
 * Backward returns one gradient per input, in that input's shape (broadcasting already
 * summed away), or `null` where no gradient is needed or defined.
 */
export interface OpDef<A = unknown> {
  readonly name: string;
  readonly saves: Saves;
  /** Computes the op's output from its input tensors and attributes; records nothing. */
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
  /** One gradient per input, shaped like that input (`null` for an input that needs none). */
  backward(args: BackwardArgs<A>): readonly (Tensor | null)[];
}

/** Attrs of ops that take none; one shared object so recording allocates nothing for them. */
export const NO_ATTRS: Readonly<Record<string, never>> = Object.freeze({});
