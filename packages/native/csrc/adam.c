// Adam's step over every parameter of a model in one call, as the WebAssembly module's
// adamAllF32 (packages/tensor/asm/adam.ts) takes it, compiled once per instruction set like
// gemm-kernel.c. Float32 with every operation rounded on its own, as PyTorch computes it and as
// @actgrad/nn's reference loop does: this file is compiled with -ffp-contract=off (no fused
// multiply-add) and without -ffast-math, so the bits equal the module's and the reference's;
// the compiler vectorises the loop to the target's width (sqrt and division are IEEE-exact in
// every lane).

#include <math.h>
#include <stdint.h>

#ifndef PREFIX
#error "build-addon.mjs defines PREFIX"
#endif
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define NAME(x) CAT(PREFIX, x)

static void adam_run(long n, float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
    const float *c) {
  const float b1 = c[0], b2 = c[1], a1 = c[2], a2 = c[3], step_size = c[4], inv_sqrt_c2 = c[5], eps = c[6];
  const float l2 = c[7], shrink = c[8];
  for (long i = 0; i < n; i++) {
    float wj = w[i];
    float grad = g[i] + l2 * wj;
    float mj = b1 * m[i] + a1 * grad;
    float vj = b2 * v[i] + a2 * grad * grad;
    m[i] = mj;
    v[i] = vj;
    w[i] = wj * shrink - (step_size * mj) / (sqrtf(vj) * inv_sqrt_c2 + eps);
  }
}

/**
 * The step over elements [lo, hi) of the `count` runs taken end to end: `table` holds `count`
 * entries of five i32 (byte addresses of w, g, m and v in `base`, then the run's length), and
 * `consts` the nine constants (b1, b2, a1, a2, stepSize, invSqrtC2, eps, l2, shrink). Threads
 * that share a step take disjoint ranges; each element's arithmetic is the same whatever the
 * ranges.
 */
void NAME(adam_all)(char *base, int count, const int32_t *table, const float *consts, long lo, long hi) {
  long start = 0;
  for (int e = 0; e < count && start < hi; e++) {
    const int32_t *t = table + 5 * e;
    long n = t[4];
    long from = lo - start > 0 ? lo - start : 0, to = hi - start < n ? hi - start : n;
    if (from < to) {
      adam_run(to - from, (float *)(base + (uint32_t)t[0]) + from, (const float *)(base + (uint32_t)t[1]) + from,
          (float *)(base + (uint32_t)t[2]) + from, (float *)(base + (uint32_t)t[3]) + from, consts);
    }
    start += n;
  }
}
