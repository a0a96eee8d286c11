import { empty, getKernel, type FloatArray } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';
import { contig, normalizeAxis } from '../ops/layout.js';
import { apply } from '../record.js';
import { withCall, type Builtin, type CallArgs } from './build.js';
import type { ActivationDef, ResolvedOptions } from './definition.js';
import type { Variable } from '../variable.js';

// Softmax-family loops along one axis of a contiguous array viewed as [outer, len, inner]:
// element (o, j, i) sits at o·len·inner + j·inner + i; the last axis is inner = 1. A backend may
// offer the last-axis case as the named kernels `softmax.forward`/`.backward` and
// `logSoftmax.forward`/`.backward` (rows of `len`): packages/tensor/asm/softmax.ts, checked
// against these loops in test/wasm-activations.test.ts.

export type RowsForwardKernel = (rows: number, len: number, s: FloatArray, so: number, a: FloatArray, ao: number) => boolean;
export type RowsBackwardKernel = (rows: number, len: number, g: FloatArray, go: number, a: FloatArray, ao: number,
  dx: FloatArray, dxo: number) => boolean;

/** a_j = e^{s_j − m} / Σ_k e^{s_k − m} with m = max_k s_k, so no exponent ever exceeds 0. */
export function softmaxForward(outer: number, len: number, inner: number, s: FloatArray, so: number, a: FloatArray, ao: number): void {
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * block + i;
      let m = -Infinity;
      for (let j = 0; j < len; j++) {
        const v = s[so + base + j * inner]!;
        if (v > m) m = v;
      }
      let total = 0;
      for (let j = 0; j < len; j++) {
        const e = Math.exp(s[so + base + j * inner]! - m);
        a[ao + base + j * inner] = e;
        total += e;
      }
      const inv = 1 / total;
      for (let j = 0; j < len; j++) a[ao + base + j * inner]! *= inv;
    }
  }
}

/**
 * Full Jacobian, not the notes' diagonal a_i(1 − a_i): ∂a_i/∂s_j = a_i(δ_ij − a_j), so
 * g_s = a ⊙ (g − Σ_j g_j a_j). The diagonal alone drops the −a_i·a_j cross terms.
 */
export function softmaxBackward(outer: number, len: number, inner: number,
  g: FloatArray, go: number, a: FloatArray, ao: number, dx: FloatArray, dxo: number): void {
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * block + i;
      let dot = 0;
      for (let j = 0; j < len; j++) dot += g[go + base + j * inner]! * a[ao + base + j * inner]!;
      for (let j = 0; j < len; j++) {
        const k = base + j * inner;
        dx[dxo + k] = a[ao + k]! * (g[go + k]! - dot);
      }
    }
  }
}

/** log a_j = s_j − m − log Σ_k e^{s_k − m} (log-sum-exp): finite at logits ±1000. */
export function logSoftmaxForward(outer: number, len: number, inner: number, s: FloatArray, so: number, a: FloatArray, ao: number): void {
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * block + i;
      let m = -Infinity;
      for (let j = 0; j < len; j++) {
        const v = s[so + base + j * inner]!;
        if (v > m) m = v;
      }
      let total = 0;
      for (let j = 0; j < len; j++) total += Math.exp(s[so + base + j * inner]! - m);
      const shift = m + Math.log(total);
      for (let j = 0; j < len; j++) a[ao + base + j * inner] = s[so + base + j * inner]! - shift;
    }
  }
}

/** From the saved output y = log softmax(s): g_s = g − softmax(s)·Σ_j g_j, with softmax = e^y. */
export function logSoftmaxBackward(outer: number, len: number, inner: number,
  g: FloatArray, go: number, y: FloatArray, yo: number, dx: FloatArray, dxo: number): void {
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * block + i;
      let total = 0;
      for (let j = 0; j < len; j++) total += g[go + base + j * inner]!;
      for (let j = 0; j < len; j++) {
        const k = base + j * inner;
        dx[dxo + k] = g[go + k]! - Math.exp(y[yo + k]!) * total;
      }
    }
  }
}

export interface AxisAttrs { readonly axis: number }

/** [outer, len, inner] of a row-major shape around a non-negative axis. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

type AxisLoop = typeof softmaxForward;
type AxisBackLoop = typeof softmaxBackward;

/** A normalizer along one axis that saves its output; the backend's row kernels run first on the last axis. */
function alongAxis(name: string, forward: AxisLoop, backward: AxisBackLoop): OpDef<AxisAttrs> {
  const fwdId = `${name}.forward`;
  const bwdId = `${name}.backward`;
  return {
    name,
    saves: 'output',
    forward: (inputs, { axis }) => {
      const s = contig(inputs[0]);
      const a = empty(s.shape, s.dtype);
      const [outer, len, inner] = around(s.shape, axis);
      const rows = inner === 1 ? getKernel<RowsForwardKernel>(fwdId) : undefined;
      if (!rows || !rows(outer, len, s.data, s.offset, a.data, a.offset)) forward(outer, len, inner, s.data, s.offset, a.data, a.offset);
      return a;
    },
    backward: ({ grad, saved, attrs: { axis } }) => {
      const a = saved.output;
      const g = contig(grad);
      const dx = empty(a.shape, a.dtype);
      const [outer, len, inner] = around(a.shape, axis);
      const rows = inner === 1 ? getKernel<RowsBackwardKernel>(bwdId) : undefined;
      if (!rows || !rows(outer, len, g.data, g.offset, a.data, a.offset, dx.data, dx.offset)) {
        backward(outer, len, inner, g.data, g.offset, a.data, a.offset, dx.data, dx.offset);
      }
      return [dx];
    },
  };
}

const AXIS = { axis: { default: -1, description: 'axis normalized over' } } as const;
type AxisParams = typeof AXIS;

/** A softmax-like definition: its reference loops are `loops`, for the parity tests. */
export type Normalizer = Builtin<ActivationDef & { readonly params: AxisParams; readonly loops: { forward: AxisLoop; backward: AxisBackLoop } },
  CallArgs<AxisParams, 'axis'>>;

/** The definition of a softmax-like normalizer over `params.axis`. */
function normalizer(name: string, formula: string, derivative: string, forward: AxisLoop, backward: AxisBackLoop): Normalizer {
  const op = alongAxis(name, forward, backward);
  return withCall({
    name,
    formula,
    derivative,
    elementwise: false,
    params: AXIS,
    positional: 'axis',
    saves: 'output',
    op: op as OpDef<never>,
    loops: { forward, backward },
    apply: (x: Variable, o: ResolvedOptions): Variable => apply(op, [x], { axis: normalizeAxis(name, o.axis as number, x.ndim) }),
  });
}

/** Softmax: output for multi-class classification. Saves its output a; stable at ±1000. */
export const softmax: Normalizer = normalizer('softmax', 'e^{s_i}/Σ_j e^{s_j}, computed with m = max_j s_j subtracted',
  'g_s = a ⊙ (g − Σ_j g_j a_j) (full Jacobian)', softmaxForward, softmaxBackward);

/** log softmax by log-sum-exp, for cross-entropy. Saves its output y. */
export const logSoftmax: Normalizer = normalizer('logSoftmax', 's_i − m − log Σ_j e^{s_j−m}, m = max_j s_j',
  'g_s = g − e^a·Σ_j g_j', logSoftmaxForward, logSoftmaxBackward);
