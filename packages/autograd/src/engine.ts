import { add, addScaled, copyInto, empty, keep, sameShape, type Tensor } from '@actgrad/tensor';
import type { BackwardArgs, OpDef, Saved } from './op-def.js';

/**
 * The graph fields of a Variable. A node with `op === null` is a leaf; a node whose graph was
 * freed by backward keeps its `op` (for the error message) and sets `released`.
 */
export interface GraphNode {
  data: Tensor;
  grad: Tensor | null;
  /** The gradient's storage, read without filling the zeros a pending `zeroGrad` owes. */
  gradStore: Tensor | null;
  /** A `zeroGrad` is pending: the storage holds stale values that the next gradient overwrites. */
  gradZeroed: boolean;
  readonly requiresGrad: boolean;
  op: OpDef<unknown> | null;
  inputs: readonly GraphNode[] | null;
  saved: Saved | null;
  attrs: unknown;
  released: boolean;
  retainsGrad: boolean;
  /** Sort epoch this node was last visited in; replaces a visited Set. */
  mark: number;
  /** Gradient flowing into this node during one backward pass. */
  pending: Tensor | null;
  /** Whether `pending` was allocated by the engine for this node alone, so it may be added to in place. */
  pendingOwned: boolean;
}

let epoch = 0;

/**
 * Nodes reachable from `root` through inputs that require a gradient, each after all of its
 * inputs (post-order). Iterative, so a 10,000-node chain does not overflow the stack; the
 * visited mark is a number on the node, so the sort allocates only its two stacks and the result.
 */
export function topoSort(root: GraphNode): GraphNode[] {
  const stamp = ++epoch;
  const order: GraphNode[] = [];
  const stack: GraphNode[] = [root];
  const next: number[] = [0];
  root.mark = stamp;
  while (stack.length > 0) {
    const top = stack.length - 1;
    const node = stack[top]!;
    if (node.released) throw releasedError(node);
    const inputs = node.inputs;
    const i = next[top]!;
    if (inputs !== null && i < inputs.length) {
      next[top] = i + 1;
      const input = inputs[i]!;
      if (input.requiresGrad && input.mark !== stamp) {
        input.mark = stamp;
        stack.push(input);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      order.push(node);
    }
  }
  return order;
}

function releasedError(node: GraphNode): Error {
  return new Error(
    `backward: the graph through '${node.op?.name ?? '?'}' was already freed by an earlier backward(); ` +
      'pass { retainGraph: true } to the first backward() to backpropagate through it again',
  );
}

/**
 * The chain rule in reverse topological order from `seed` (∂L/∂root). Gradients reaching a node
 * more than once are summed; leaves accumulate into `grad` (storage kept out of `tidy`).
 * Frees each node's saved tensors afterwards unless `retainGraph`.
 */
export function runBackward(root: GraphNode, seed: Tensor, retainGraph: boolean): void {
  if (root.op === null) {
    accumulateLeaf(root, seed);
    return;
  }
  const order = topoSort(root);
  root.pending = seed;
  root.pendingOwned = false;
  let current: GraphNode = root;
  // Storage handed out by gradInto for the current node's inputs (by index), reset after each node.
  const claims: (Tensor | null)[] = [];
  const args: BackwardArgs<unknown> & { grad: Tensor; saved: Saved; attrs: unknown } = {
    grad: seed,
    saved: root.saved!,
    attrs: root.attrs,
    needsGrad: (i: number) => current.inputs![i]!.requiresGrad,
    gradInto: (i: number) => {
      const target = overwritableGrad(current.inputs![i]!);
      claims[i] = target;
      return target;
    },
  };
  try {
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      const grad = node.pending;
      if (grad === null || node.op === null) continue;
      node.pending = null;
      if (node.retainsGrad) retainGrad(node, grad);
      current = node;
      args.grad = grad;
      args.saved = node.saved!;
      args.attrs = node.attrs;
      const grads = node.op.backward(args);
      const inputs = node.inputs!;
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        const g = grads[i];
        if (i < claims.length && claims[i] !== null) {
          const claimed = claims[i];
          claims[i] = null;
          // Written in place by the op: the storage now holds this gradient.
          if (g === claimed) {
            input.gradZeroed = false;
            continue;
          }
        }
        if (input.requiresGrad && g !== null && g !== undefined) send(input, g, node);
      }
      if (!retainGraph) release(node);
    }
  } finally {
    // A throwing backward must not leave half-summed gradients for the next pass.
    for (let k = 0; k < order.length; k++) order[k]!.pending = null;
  }
}

function send(input: GraphNode, g: Tensor, from: GraphNode): void {
  const want = input.data.shape;
  if (!sameShape(g.shape, want)) {
    throw new Error(
      `backward of '${from.op!.name}': gradient of shape [${g.shape.join(',')}] for an input of shape [${want.join(',')}]`,
    );
  }
  if (input.op === null) {
    accumulateLeaf(input, g);
    return;
  }
  const pending = input.pending;
  if (pending === null) {
    // One consumer so far: pass the tensor through, no copy.
    input.pending = g;
    input.pendingOwned = false;
  } else if (input.pendingOwned) {
    addScaled(pending, g, 1);
  } else {
    input.pending = add(pending, g);
    input.pendingOwned = true;
  }
}

/**
 * The storage a leaf's next gradient may be written straight into, overwriting it: only when a
 * `zeroGrad` is pending (or there is no storage yet), so the result is what copying the gradient
 * there would give; adding to a live gradient keeps its own path.
 */
function overwritableGrad(input: GraphNode): Tensor | null {
  if (input.op !== null || !input.requiresGrad) return null;
  const store = input.gradStore;
  if (store === null) {
    input.grad = keep(empty(input.data.shape, input.data.dtype));
    input.gradZeroed = true;
    return input.gradStore;
  }
  return input.gradZeroed && store.isContiguous() ? store : null;
}

function accumulateLeaf(leaf: GraphNode, g: Tensor): void {
  const store = leaf.gradStore;
  if (store === null) {
    leaf.grad = copyInto(keep(empty(leaf.data.shape, leaf.data.dtype)), g);
  } else if (leaf.gradZeroed) {
    // Zeroed since the last pass: overwrite rather than fill with zeros and add.
    copyInto(store, g);
    leaf.gradZeroed = false;
  } else {
    addScaled(store, g, 1);
  }
}

function retainGrad(node: GraphNode, g: Tensor): void {
  if (node.grad === null) node.grad = copyInto(keep(empty(node.data.shape, node.data.dtype)), g);
  else addScaled(node.grad, g, 1);
}

function release(node: GraphNode): void {
  node.inputs = null;
  node.saved = null;
  node.attrs = null;
  node.released = true;
}
