// N-API bindings of the native gemm (gemm-kernel.c) over a WebAssembly.Memory.
//
// `bind(view, sizeSlot, isa)` takes a Float32Array over the whole of a shared memory and returns
// the wasm backend module's gemm (same name, same arguments: byte addresses into that memory,
// strides in elements) with what its thread pool needs to cut a product, so the pool runs it
// unchanged.
// A shared WebAssembly.Memory reserves its maximum up front and never moves, so the base
// address taken here stays valid as it grows. Every call checks that the bytes it will touch
// lie inside the memory's current size, which the backend's heap keeps at `sizeSlot` (a u32
// count of 64 KiB pages): an address out of range throws a RangeError instead of touching
// memory outside the WebAssembly heap.

#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECLARE(P)                                                                                  \
  int P##_tile_rows(void);                                                                          \
  int P##_panel_cols(void);                                                                         \
  int P##_scratch_bytes(void);                                                                      \
  void P##_gemm(int, int, int, const float *, long, long, const float *, long, long, float *, long, \
      int, char *);                                                                                 \
  double P##_peak(long, float *);                                                                   \
  void P##_adam_all(char *, int, const int32_t *, const float *, long, long);
#if defined(__x86_64__)
DECLARE(avx512)
DECLARE(avx2)
#endif
DECLARE(generic)

typedef struct {
  const char *name;
  int (*tile_rows)(void);
  int (*panel_cols)(void);
  int (*scratch_bytes)(void);
  void (*gemm)(int, int, int, const float *, long, long, const float *, long, long, float *, long, int, char *);
  double (*peak)(long, float *);
  void (*adam_all)(char *, int, const int32_t *, const float *, long, long);
} Isa;

#define ISA(P) { #P, P##_tile_rows, P##_panel_cols, P##_scratch_bytes, P##_gemm, P##_peak, P##_adam_all }
// Fastest first; `generic` is the target's baseline (SSE2 on x86-64, NEON on arm64).
#if defined(__x86_64__)
static const Isa ISAS[] = { ISA(avx512), ISA(avx2), ISA(generic) };
#define ISA_COUNT 3
#else
static const Isa ISAS[] = { ISA(generic) };
#define ISA_COUNT 1
#endif

static int supported(int i) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (i == 0) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  if (i == 1) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return i < ISA_COUNT;
}

typedef struct {
  char *base;
  uint32_t size_slot;
  const Isa *isa;
} Binding;

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "actgrad native: N-API call failed: " #call); return NULL; } } while (0)

static int args(napi_env env, napi_callback_info info, int want, int64_t *out, Binding **b) {
  napi_value argv[16];
  size_t argc = 16;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)b) != napi_ok) return 0;
  if ((int)argc < want) {
    napi_throw_type_error(env, NULL, "actgrad native: too few arguments");
    return 0;
  }
  for (int i = 0; i < want; i++) {
    if (napi_get_value_int64(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "actgrad native: arguments must be numbers");
      return 0;
    }
  }
  return 1;
}

/** True when the elements (rows × cols, strides rs and cs) from byte address p fit in the memory. */
static int inside(const Binding *b, int64_t p, int64_t rows, int64_t rs, int64_t cols, int64_t cs) {
  if (rows <= 0 || cols <= 0) return 1;
  uint64_t size = (uint64_t)(*(const uint32_t *)(b->base + b->size_slot)) << 16;
  int64_t lo = p + 4 * ((rs < 0 ? (rows - 1) * rs : 0) + (cs < 0 ? (cols - 1) * cs : 0));
  int64_t hi = p + 4 * ((rs > 0 ? (rows - 1) * rs : 0) + (cs > 0 ? (cols - 1) * cs : 0)) + 4;
  return lo >= 0 && (uint64_t)hi <= size;
}

static napi_value out_of_range(napi_env env, const char *what) {
  char msg[128];
  snprintf(msg, sizeof msg, "actgrad native: %s lies outside the WebAssembly memory", what);
  napi_throw_range_error(env, NULL, msg);
  return NULL;
}

// gemm(m, n, k, a, aRs, aCs, b, bRs, bCs, c, cRs, accumulate, scratch)
static napi_value js_gemm(napi_env env, napi_callback_info info) {
  int64_t v[13];
  Binding *b;
  if (!args(env, info, 13, v, &b)) return NULL;
  int m = (int)v[0], n = (int)v[1], k = (int)v[2];
  if (m > 0 && n > 0) {
    if (k > 0 && !inside(b, v[3], m, v[4], k, v[5])) return out_of_range(env, "A");
    if (k > 0 && !inside(b, v[6], k, v[7], n, v[8])) return out_of_range(env, "B");
    if (!inside(b, v[9], m, v[10], n, 1)) return out_of_range(env, "C");
    if (!inside(b, v[12], 1, 0, b->isa->scratch_bytes() / 4, 1)) return out_of_range(env, "the scratch");
    b->isa->gemm(m, n, k, (const float *)(b->base + v[3]), v[4], v[5], (const float *)(b->base + v[6]), v[7], v[8],
        (float *)(b->base + v[9]), v[10], (int)v[11], b->base + v[12]);
  }
  return NULL;
}

// adamAllF32(count, table, consts, lo, hi): adam.c's adam_all, every address checked first.
static napi_value js_adam_all(napi_env env, napi_callback_info info) {
  int64_t v[5];
  Binding *b;
  if (!args(env, info, 5, v, &b)) return NULL;
  int64_t count = v[0];
  if (count < 0 || !inside(b, v[1], 1, 0, count * 5, 1)) return out_of_range(env, "the Adam table");
  if (!inside(b, v[2], 1, 0, 9, 1)) return out_of_range(env, "the Adam constants");
  if (v[1] % 4 != 0 || v[2] % 4 != 0) return out_of_range(env, "an unaligned Adam table");
  const int32_t *table = (const int32_t *)(b->base + v[1]);
  for (int64_t e = 0; e < count; e++) {
    const int32_t *t = table + 5 * e;
    for (int r = 0; r < 4; r++) {
      if (t[4] < 0 || (uint32_t)t[r] % 4 != 0 || !inside(b, (uint32_t)t[r], 1, 0, t[4], 1)) return out_of_range(env, "an Adam run");
    }
  }
  b->isa->adam_all(b->base, (int)count, table, (const float *)(b->base + v[2]), (long)v[3], (long)v[4]);
  return NULL;
}

static napi_value int_result(napi_env env, int64_t x) {
  napi_value r;
  CHECK(napi_create_int64(env, x, &r));
  return r;
}

static napi_value js_tile_rows(napi_env env, napi_callback_info info) {
  Binding *b;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&b));
  return int_result(env, b->isa->tile_rows());
}

static napi_value js_panel_cols(napi_env env, napi_callback_info info) {
  Binding *b;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&b));
  return int_result(env, b->isa->panel_cols());
}

static napi_value js_scratch_bytes(napi_env env, napi_callback_info info) {
  Binding *b;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&b));
  return int_result(env, b->isa->scratch_bytes());
}

static void free_binding(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  free(data);
}

static int add_function(napi_env env, napi_value obj, const char *name, napi_callback cb, Binding *b) {
  napi_value f;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, b, &f) != napi_ok) return 0;
  return napi_set_named_property(env, obj, name, f) == napi_ok;
}

/** The index of the instruction set named by `v` (a string), or -1 after throwing a RangeError that says why. */
static int isa_arg(napi_env env, napi_value v) {
  char want[16] = "";
  size_t len;
  if (napi_get_value_string_utf8(env, v, want, sizeof want, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "actgrad native: the instruction set must be a string");
    return -1;
  }
  int chosen = -1;
  for (int i = 0; i < ISA_COUNT; i++) if (strcmp(ISAS[i].name, want) == 0) chosen = i;
  if (chosen >= 0 && supported(chosen)) return chosen;
  char msg[160];
  snprintf(msg, sizeof msg, "actgrad native: instruction set '%s' is %s (valid here:%s%s%s)", want,
      chosen < 0 ? "unknown" : "not supported by this CPU", ISA_COUNT > 1 && supported(0) ? " avx512" : "",
      ISA_COUNT > 1 && supported(1) ? " avx2" : "", " generic");
  napi_throw_range_error(env, NULL, msg);
  return -1;
}

// bind(view: Float32Array over the whole memory, sizeSlot: byte address, isa?: string)
static napi_value js_bind(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  bool is_typed = false;
  if (argc >= 1) napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed || napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok ||
      type != napi_float32_array || offset != 0) {
    napi_throw_type_error(env, NULL, "actgrad native: bind() needs a Float32Array over a whole WebAssembly.Memory");
    return NULL;
  }
  int64_t slot = -1;
  if (argc < 2 || napi_get_value_int64(env, argv[1], &slot) != napi_ok || slot < 0 || slot % 4 != 0 ||
      (uint64_t)slot + 4 > length * 4) {
    napi_throw_range_error(env, NULL, "actgrad native: bind() needs the byte address of the memory's size slot");
    return NULL;
  }
  int chosen = -1;
  napi_valuetype t = napi_undefined;
  if (argc >= 3) napi_typeof(env, argv[2], &t);
  if (t == napi_string) {
    if ((chosen = isa_arg(env, argv[2])) < 0) return NULL;
  } else {
    for (int i = 0; i < ISA_COUNT && chosen < 0; i++) if (supported(i)) chosen = i;
  }
  Binding *b = malloc(sizeof *b);
  if (!b) { napi_throw_error(env, NULL, "actgrad native: out of memory"); return NULL; }
  b->base = data;
  b->size_slot = (uint32_t)slot;
  b->isa = &ISAS[chosen];
  napi_value obj, name;
  CHECK(napi_create_object(env, &obj));
  if (napi_add_finalizer(env, obj, b, free_binding, NULL, NULL) != napi_ok) { free(b); return NULL; }
  if (!add_function(env, obj, "gemm", js_gemm, b) || !add_function(env, obj, "gemmTileRows", js_tile_rows, b) ||
      !add_function(env, obj, "gemmPanelCols", js_panel_cols, b) ||
      !add_function(env, obj, "gemmScratchBytes", js_scratch_bytes, b) ||
      !add_function(env, obj, "adamAllF32", js_adam_all, b)) return NULL;
  CHECK(napi_create_string_utf8(env, b->isa->name, NAPI_AUTO_LENGTH, &name));
  CHECK(napi_set_named_property(env, obj, "isa", name));
  return obj;
}

// peak(isa, trips): flops of `trips` rounds of the register-only loop of gemm-kernel.c's peak(),
// run on the calling thread (the bench's measure of this CPU's ceiling in that instruction set).
static napi_value js_peak(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  size_t argc = 2;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t trips = 0;
  if (argc < 2 || napi_get_value_int64(env, argv[1], &trips) != napi_ok || trips < 0) {
    napi_throw_range_error(env, NULL, "actgrad native: peak(isa, trips) needs a trip count >= 0");
    return NULL;
  }
  int i = isa_arg(env, argv[0]);
  if (i < 0) return NULL;
  float sink;
  double flops = ISAS[i].peak((long)trips, &sink);
  napi_value r;
  CHECK(napi_create_double(env, sink == sink ? flops : -flops, &r));
  return r;
}

// supportedIsas(): the instruction sets this CPU runs, fastest first.
static napi_value js_supported(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value arr, s;
  CHECK(napi_create_array(env, &arr));
  uint32_t at = 0;
  for (int i = 0; i < ISA_COUNT; i++) {
    if (!supported(i)) continue;
    CHECK(napi_create_string_utf8(env, ISAS[i].name, NAPI_AUTO_LENGTH, &s));
    CHECK(napi_set_element(env, arr, at++, s));
  }
  return arr;
}

NAPI_MODULE_INIT() {
  napi_value f;
  if (napi_create_function(env, "bind", NAPI_AUTO_LENGTH, js_bind, NULL, &f) != napi_ok ||
      napi_set_named_property(env, exports, "bind", f) != napi_ok ||
      napi_create_function(env, "supportedIsas", NAPI_AUTO_LENGTH, js_supported, NULL, &f) != napi_ok ||
      napi_set_named_property(env, exports, "supportedIsas", f) != napi_ok ||
      napi_create_function(env, "peak", NAPI_AUTO_LENGTH, js_peak, NULL, &f) != napi_ok ||
      napi_set_named_property(env, exports, "peak", f) != napi_ok) return NULL;
  return exports;
}
