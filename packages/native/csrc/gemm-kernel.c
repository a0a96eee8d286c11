// C = A·B (or C += A·B) in f32, compiled once per instruction set (build-addon.mjs): the same
// source with -mavx512f, with -mavx2 -mfma and with the baseline x86-64 flags, each under its own
// name prefix, and addon.c picks one at load time.
//
// The blocking is GotoBLAS/BLIS's, as in the WebAssembly gemm (packages/tensor/asm/gemm.ts): a
// KC×NC block of B is packed into NR-column panels (zero-padded), an MC×KC block of A into MR-row
// panels, and an MR×NR register tile of C accumulates one panel pair. The tile is written with
// GCC's vector extensions, so the compiler picks the instructions for each target: a vector of
// VL floats (16 with AVX-512, 8 with AVX2, 4 with SSE2), NR = 2 vectors, and as many rows as
// the registers hold beside the two B vectors (12 rows: 24 of AVX-512's 32 registers, 6 of
// AVX2's 16, 4 of SSE2's 16). With FMA, `acc += a * b` contracts to one fused multiply-add.
//
// Every element of C is summed over k in the same order (KC blocks in turn, then k within a
// block) whatever part of C a call computes: a product split across threads by rows or by
// columns gives the same bits as on one thread.
//
// Pointers are byte addresses into one linear memory (`base` + address); strides are in
// elements and may be negative.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef PREFIX
#error "build-addon.mjs defines PREFIX, VL and MR"
#endif
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define NAME(x) CAT(PREFIX, x)

typedef float vf __attribute__((vector_size(VL * 4), aligned(4)));
#define NR (2 * VL)
// KC·NR floats of a B panel stay in L1 (32 KB at VL = 16, KC = 256) while MC/MR panels of A
// (MC·KC floats, 240 KB) stream from L2; the KC×NC block of B (512 KB) streams from L2/L3.
#define KC 256
#define NC 512
#define MC (MR * (240 / MR))

/** Rows of the register tile (and of a packed A panel). */
int NAME(tile_rows)(void) { return MR; }
/** Columns of a packed B panel. */
int NAME(panel_cols)(void) { return NR; }
/** Bytes of scratch a thread needs for `gemm`: B and A blocks and a C tile, plus 64 for alignment. */
int NAME(scratch_bytes)(void) { return (KC * NC + MC * KC + MR * NR) * 4 + 64; }

/** The KC block length for depth k: blocks of equal length, at most KC (k alone decides it). */
static inline int block_k(int k) {
  int blocks = (k + KC - 1) / KC;
  return (k + blocks - 1) / blocks;
}

static inline int round_panels(int n) { return (n + NR - 1) / NR * NR; }

/** Packs A[mc×kc] into MR-row panels, kc columns of MR floats each, zero rows at the bottom. */
static void pack_a(int mc, int kc, const float *a, long rs, long cs, float *dst) {
  for (int ip = 0; ip < mc; ip += MR) {
    int h = mc - ip < MR ? mc - ip : MR;
    const float *src = a + ip * rs;
    if (h == MR && rs == 1) {
      for (int p = 0; p < kc; p++, dst += MR) memcpy(dst, src + p * cs, MR * 4);
    } else if (h == MR && cs == 1) {
      // Row-major A: a block of MR rows, 8 columns at a time, written column by column.
      int p = 0;
      for (; p + 8 <= kc; p += 8, dst += 8 * MR) {
        for (int r = 0; r < MR; r++) {
          const float *row = src + r * rs + p;
#pragma GCC unroll 8
          for (int q = 0; q < 8; q++) dst[q * MR + r] = row[q];
        }
      }
      for (; p < kc; p++, dst += MR)
        for (int r = 0; r < MR; r++) dst[r] = src[r * rs + p];
    } else {
      for (int p = 0; p < kc; p++, dst += MR) {
        int r = 0;
        for (; r < h; r++) dst[r] = src[r * rs + p * cs];
        for (; r < MR; r++) dst[r] = 0;
      }
    }
  }
}

/** Packs B[kc×nc] into NR-column panels, kc rows of NR floats each, zero columns on the right. */
static void pack_b(int kc, int nc, const float *b, long rs, long cs, float *dst) {
  for (int jp = 0; jp < nc; jp += NR) {
    int w = nc - jp < NR ? nc - jp : NR;
    const float *src = b + jp * cs;
    if (w == NR && cs == 1) {
      for (int p = 0; p < kc; p++, dst += NR) memcpy(dst, src + p * rs, NR * 4);
    } else if (w == NR && rs == 1) {
      // Transposed B: each column is contiguous; read 8 of its rows at a time.
      int p = 0;
      for (; p + 8 <= kc; p += 8, dst += 8 * NR) {
        for (int j = 0; j < NR; j++) {
          const float *col = src + j * cs + p;
#pragma GCC unroll 8
          for (int q = 0; q < 8; q++) dst[q * NR + j] = col[q];
        }
      }
      for (; p < kc; p++, dst += NR)
        for (int j = 0; j < NR; j++) dst[j] = src[j * cs + p];
    } else {
      for (int p = 0; p < kc; p++, dst += NR) {
        int j = 0;
        for (; j < w; j++) dst[j] = src[p * rs + j * cs];
        for (; j < NR; j++) dst[j] = 0;
      }
    }
  }
}

/**
 * The MR×NR tile: C[0..mr)[0..nr) (row stride cs) = or += packed A panel · packed B panel
 * over kc. A whole tile goes straight to C; an edge tile through `tile`.
 */
static inline void micro(int kc, const float *restrict ap, const float *restrict bp,
    float *restrict c, long crs, int mr, int nr, int overwrite, float *restrict tile) {
  vf acc0[MR], acc1[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) { acc0[r] = (vf){0}; acc1[r] = (vf){0}; }
  for (int p = 0; p < kc; p++) {
    vf b0 = *(const vf *)(bp), b1 = *(const vf *)(bp + VL);
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      float av = ap[r];
      acc0[r] += av * b0;
      acc1[r] += av * b1;
    }
    ap += MR;
    bp += NR;
  }
  if (mr == MR && nr == NR) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      vf *c0 = (vf *)(c + r * crs), *c1 = (vf *)(c + r * crs + VL);
      if (overwrite) { *c0 = acc0[r]; *c1 = acc1[r]; }
      else { *c0 += acc0[r]; *c1 += acc1[r]; }
    }
    return;
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) { *(vf *)(tile + r * NR) = acc0[r]; *(vf *)(tile + r * NR + VL) = acc1[r]; }
  for (int r = 0; r < mr; r++) {
    float *row = c + r * crs;
    const float *t = tile + r * NR;
    if (overwrite) for (int j = 0; j < nr; j++) row[j] = t[j];
    else for (int j = 0; j < nr; j++) row[j] += t[j];
  }
}

static void zero_c(int m, int n, float *c, long crs) {
  for (int i = 0; i < m; i++) memset(c + i * crs, 0, (size_t)n * 4);
}

/** Rows [0, m) of C against one packed KC×nc block of B, A packed here MC rows at a time. */
static void block_rows(int m, int nc, int kc, const float *a, long ars, long acs, const float *bpk,
    float *c, long crs, int overwrite, float *apk, float *tile) {
  for (int ic = 0; ic < m; ic += MC) {
    int mc = m - ic < MC ? m - ic : MC;
    pack_a(mc, kc, a + ic * ars, ars, acs, apk);
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = nc - jr < NR ? nc - jr : NR;
      const float *bp = bpk + (long)jr * kc;
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = mc - ir < MR ? mc - ir : MR;
        micro(kc, apk + (long)ir * kc, bp, c + (ic + ir) * crs + jr, crs, mr, nr, overwrite, tile);
      }
    }
  }
}

static inline float *aligned64(char *p) { return (float *)(((uintptr_t)p + 63) & ~(uintptr_t)63); }

/** C[m×n] = A[m×k]·B[k×n], or += when `accumulate`; `scratch` holds scratch_bytes() bytes. */
void NAME(gemm)(int m, int n, int k, const float *a, long ars, long acs, const float *b, long brs, long bcs,
    float *c, long crs, int accumulate, char *scratch) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) { if (!accumulate) zero_c(m, n, c, crs); return; }
  float *bpk = aligned64(scratch);
  float *apk = bpk + KC * NC;
  float *tile = apk + MC * KC;
  int kb = block_k(k);
  for (int jc = 0; jc < n; jc += NC) {
    int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += kb) {
      int kc = k - pc < kb ? k - pc : kb;
      pack_b(kc, nc, b + pc * brs + jc * bcs, brs, bcs, bpk);
      block_rows(m, nc, kc, a + pc * acs, ars, acs, bpk, c + jc, crs, pc == 0 && !accumulate, apk, tile);
    }
  }
}

/**
 * This instruction set's arithmetic ceiling: `trips` rounds of 12 independent vector
 * multiply-adds (fused where the target has FMA) on registers alone, no memory traffic: 12
 * accumulators and 2 constants fit AVX2's and SSE2's 16 registers, and cover the latency of
 * two FMA pipes. Returns the flops done; the accumulators' sum goes to `sink`, so that no
 * round is optimised away.
 */
double NAME(peak)(long trips, float *sink) {
  vf acc[12];
  vf x = (vf){0} + 0.999999f, y = (vf){0} + 1e-7f;
#pragma GCC unroll 12
  for (int i = 0; i < 12; i++) acc[i] = (vf){0} + (float)i;
  for (long t = 0; t < trips; t++) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) acc[i] = acc[i] * x + y;
  }
  vf s = (vf){0};
  for (int i = 0; i < 12; i++) s += acc[i];
  float total = 0;
  for (int l = 0; l < VL; l++) total += s[l];
  *sink = total;
  return (double)trips * 12 * VL * 2;
}
