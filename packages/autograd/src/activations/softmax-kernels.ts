import type { FloatArray } from '@actgrad/tensor';

/**
 * Softmax-family kernels along one axis of a contiguous array viewed as [outer, len, inner]:
 * element (o, j, i) sits at o·len·inner + j·inner + i. The last axis is inner = 1.
 */

/** a_j = e^{s_j − m} / Σ_k e^{s_k − m} with m = max_k s_k, so no exponent ever exceeds 0. */
export function softmaxForward(
  outer: number, len: number, inner: number, s: FloatArray, so: number, a: FloatArray, ao: number,
): void {
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
export function softmaxBackward(
  outer: number, len: number, inner: number,
  g: FloatArray, go: number, a: FloatArray, ao: number, dx: FloatArray, dxo: number,
): void {
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
export function logSoftmaxForward(
  outer: number, len: number, inner: number, s: FloatArray, so: number, a: FloatArray, ao: number,
): void {
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
export function logSoftmaxBackward(
  outer: number, len: number, inner: number,
  g: FloatArray, go: number, y: FloatArray, yo: number, dx: FloatArray, dxo: number,
): void {
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
