#include "int8_gemm.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#define NR INT8_GEMM_PANEL
// Bytes of one group of 4 depth values across a panel.
#define GROUP (NR * 4)

int int8_gemm_padded_depth(int k) { return (k + 3) & ~3; }

static size_t panel_count(int n) { return (size_t)((n + NR - 1) / NR); }

size_t int8_gemm_packed_size(int n, int k) { return panel_count(n) * GROUP * (size_t)(int8_gemm_padded_depth(k) / 4); }

// Round half to even (lrintf in the default rounding mode, as cvtps2dq), within ±127.
static int8_t quantise(float x, float inverse) {
    long q = lrintf(x * inverse);
    return (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
}

static float max_abs(const float *x, int k) {
    float m = 0;
    for (int i = 0; i < k; i++) {
        float v = fabsf(x[i]);
        m = v > m ? v : m;
    }
    return m;
}

void int8_gemm_quantise_weight(const float *w, int ldw, int n, int k, int8_t *packed, float *scales,
                               int32_t *rowsums) {
    size_t groups = (size_t)(int8_gemm_padded_depth(k) / 4);
    memset(packed, 0, int8_gemm_packed_size(n, k));
    for (int j = 0; j < n; j++) {
        const float *row = w + (size_t)j * ldw;
        float m = max_abs(row, k);
        float inverse = m > 0 ? 127.0f / m : 0;
        int8_t *d = packed + (size_t)(j / NR) * GROUP * groups + (size_t)(j % NR) * 4;
        int32_t sum = 0;
        for (int q = 0; q < k; q++) {
            int8_t v = quantise(row[q], inverse);
            d[(size_t)(q / 4) * GROUP + q % 4] = v;
            sum += v;
        }
        scales[j] = m / 127.0f;
        rowsums[j] = sum;
    }
}

void int8_gemm_gather(const int8_t *packed, const float *scales, const int32_t *rowsums, int n, int k,
                      const int32_t *rows, int count, int8_t *out, float *out_scales, int32_t *out_rowsums) {
    size_t groups = (size_t)(int8_gemm_padded_depth(k) / 4);
    memset(out, 0, int8_gemm_packed_size(count, k));
    for (int d = 0; d < count; d++) {
        int r = rows[d];
        if (r < 0 || r >= n) continue;
        const int8_t *s = packed + (size_t)(r / NR) * GROUP * groups + (size_t)(r % NR) * 4;
        int8_t *t = out + (size_t)(d / NR) * GROUP * groups + (size_t)(d % NR) * 4;
        for (size_t g = 0; g < groups; g++) memcpy(t + g * GROUP, s + g * GROUP, 4);
        out_scales[d] = scales[r];
        out_rowsums[d] = rowsums[r];
    }
}

static void quantise_rows_portable(const float *a, int lda, int m, int k, uint8_t *q, float *scales) {
    int kp = int8_gemm_padded_depth(k);
    for (int i = 0; i < m; i++) {
        const float *row = a + (size_t)i * lda;
        uint8_t *d = q + (size_t)i * kp;
        float mx = max_abs(row, k);
        float inverse = mx > 0 ? 127.0f / mx : 0;
        for (int j = 0; j < k; j++) d[j] = (uint8_t)(quantise(row[j], inverse) + 128);
        for (int j = k; j < kp; j++) d[j] = 128;
        scales[i] = mx / 127.0f;
    }
}

// A tile computes mr rows of `columns` consecutive output columns (a panel or half of one)
// from `groups` groups of depth 4: a is the first row's quantised activations (rows lda
// bytes apart), b the tile's first columns in the panel's first group, init the sums'
// start (−128 · rowsum) and w_scales the scales of its columns; a_scales those of its rows.
typedef void (*tile_fn)(int groups, const uint8_t *a, int lda, const int8_t *b, const int32_t *init,
                        const float *a_scales, const float *w_scales, int accumulate, float *c, int ldc);

static int32_t load4(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

// The portable tile: 4 rows by a panel's 32 columns.
static void portable_tile(int mr, int groups, const uint8_t *a, int lda, const int8_t *b, const int32_t *init,
                          const float *sa, const float *sw, int accumulate, float *c, int ldc) {
    for (int i = 0; i < mr; i++) {
        int32_t s[NR];
        for (int j = 0; j < NR; j++) s[j] = init[j];
        const uint8_t *ai = a + (size_t)i * lda;
        for (int g = 0; g < groups; g++) {
            const int8_t *bg = b + (size_t)g * GROUP;
            const uint8_t *ag = ai + 4 * g;
            for (int j = 0; j < NR; j++)
                s[j] += ag[0] * bg[4 * j] + ag[1] * bg[4 * j + 1] + ag[2] * bg[4 * j + 2] + ag[3] * bg[4 * j + 3];
        }
        for (int j = 0; j < NR; j++) {
            float r = (float)s[j] * (sa[i] * sw[j]);
            c[(size_t)i * ldc + j] = accumulate ? c[(size_t)i * ldc + j] + r : r;
        }
    }
}

#if defined(__x86_64__)
// AVX-512 VNNI: 8 rows × 32 columns, 16 accumulators; vpdpbusd sums 4 products per lane.
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline void
vnni512_tile(int mr, int groups, const uint8_t *a, int lda, const int8_t *b, const int32_t *init, const float *sa,
             const float *sw, int accumulate, float *c, int ldc) {
    __m512i acc[8][2];
    __m512i i0 = _mm512_loadu_si512(init), i1 = _mm512_loadu_si512(init + 16);
    for (int i = 0; i < 8; i++) acc[i][0] = i0, acc[i][1] = i1;
    for (int g = 0; g < groups; g++) {
        __m512i b0 = _mm512_loadu_si512(b + (size_t)g * GROUP), b1 = _mm512_loadu_si512(b + (size_t)g * GROUP + 64);
        for (int i = 0; i < 8; i++) {
            if (i < mr) {
                __m512i ai = _mm512_set1_epi32(load4(a + (size_t)i * lda + 4 * g));
                acc[i][0] = _mm512_dpbusd_epi32(acc[i][0], ai, b0);
                acc[i][1] = _mm512_dpbusd_epi32(acc[i][1], ai, b1);
            }
        }
    }
    __m512 w0 = _mm512_loadu_ps(sw), w1 = _mm512_loadu_ps(sw + 16);
    for (int i = 0; i < mr; i++) {
        __m512 s = _mm512_set1_ps(sa[i]);
        __m512 r0 = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[i][0]), _mm512_mul_ps(s, w0));
        __m512 r1 = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[i][1]), _mm512_mul_ps(s, w1));
        float *ci = c + (size_t)i * ldc;
        if (accumulate) {
            r0 = _mm512_add_ps(_mm512_loadu_ps(ci), r0);
            r1 = _mm512_add_ps(_mm512_loadu_ps(ci + 16), r1);
        }
        _mm512_storeu_ps(ci, r0);
        _mm512_storeu_ps(ci + 16, r1);
    }
}

// The 256-bit half of a tile's end: scale, convert, add and store 16 columns of a row.
__attribute__((target("avx2"), always_inline)) static inline void
store256(__m256i acc0, __m256i acc1, float sa, const float *sw, int accumulate, float *ci) {
    __m256 s = _mm256_set1_ps(sa);
    __m256 r0 = _mm256_mul_ps(_mm256_cvtepi32_ps(acc0), _mm256_mul_ps(s, _mm256_loadu_ps(sw)));
    __m256 r1 = _mm256_mul_ps(_mm256_cvtepi32_ps(acc1), _mm256_mul_ps(s, _mm256_loadu_ps(sw + 8)));
    if (accumulate) {
        r0 = _mm256_add_ps(_mm256_loadu_ps(ci), r0);
        r1 = _mm256_add_ps(_mm256_loadu_ps(ci + 8), r1);
    }
    _mm256_storeu_ps(ci, r0);
    _mm256_storeu_ps(ci + 8, r1);
}

// AVX-VNNI: vpdpbusd on 256 bits, 6 rows × 16 columns (half a panel), 12 accumulators.
__attribute__((target("avx2,avxvnni"), always_inline)) static inline void
vnni256_tile(int mr, int groups, const uint8_t *a, int lda, const int8_t *b, const int32_t *init, const float *sa,
             const float *sw, int accumulate, float *c, int ldc) {
    __m256i acc[6][2];
    __m256i i0 = _mm256_loadu_si256((const __m256i *)init), i1 = _mm256_loadu_si256((const __m256i *)(init + 8));
    for (int i = 0; i < 6; i++) acc[i][0] = i0, acc[i][1] = i1;
    for (int g = 0; g < groups; g++) {
        const int8_t *bg = b + (size_t)g * GROUP;
        __m256i b0 = _mm256_loadu_si256((const __m256i *)bg), b1 = _mm256_loadu_si256((const __m256i *)(bg + 32));
        for (int i = 0; i < 6; i++) {
            if (i < mr) {
                __m256i ai = _mm256_set1_epi32(load4(a + (size_t)i * lda + 4 * g));
                acc[i][0] = _mm256_dpbusd_avx_epi32(acc[i][0], ai, b0);
                acc[i][1] = _mm256_dpbusd_avx_epi32(acc[i][1], ai, b1);
            }
        }
    }
    for (int i = 0; i < mr; i++) store256(acc[i][0], acc[i][1], sa[i], sw, accumulate, c + (size_t)i * ldc);
}

// AVX2 without VNNI: vpmaddubsw would saturate its int16 pair sums (2 · 255 · 127 > 32767),
// so both operands are widened to int16, even and odd bytes apart, and multiplied with
// vpmaddwd, whose int32 pair sums are exact: a lane's two vpmaddwd give the 4 products of
// vpdpbusd. 4 rows × 16 columns, 8 accumulators.
__attribute__((target("avx2"), always_inline)) static inline void
avx2_tile(int mr, int groups, const uint8_t *a, int lda, const int8_t *b, const int32_t *init, const float *sa,
          const float *sw, int accumulate, float *c, int ldc) {
    __m256i acc[4][2];
    __m256i i0 = _mm256_loadu_si256((const __m256i *)init), i1 = _mm256_loadu_si256((const __m256i *)(init + 8));
    for (int i = 0; i < 4; i++) acc[i][0] = i0, acc[i][1] = i1;
    const __m256i low = _mm256_set1_epi16(0x00ff);
    for (int g = 0; g < groups; g++) {
        const int8_t *bg = b + (size_t)g * GROUP;
        __m256i b0 = _mm256_loadu_si256((const __m256i *)bg), b1 = _mm256_loadu_si256((const __m256i *)(bg + 32));
        // Signed bytes to int16: even bytes by shifting up and back, odd ones by shifting back.
        __m256i b0e = _mm256_srai_epi16(_mm256_slli_epi16(b0, 8), 8), b0o = _mm256_srai_epi16(b0, 8);
        __m256i b1e = _mm256_srai_epi16(_mm256_slli_epi16(b1, 8), 8), b1o = _mm256_srai_epi16(b1, 8);
        for (int i = 0; i < 4; i++) {
            if (i < mr) {
                __m256i ai = _mm256_set1_epi32(load4(a + (size_t)i * lda + 4 * g));
                __m256i ae = _mm256_and_si256(ai, low), ao = _mm256_srli_epi16(ai, 8);
                acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_add_epi32(_mm256_madd_epi16(ae, b0e), _mm256_madd_epi16(ao, b0o)));
                acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_add_epi32(_mm256_madd_epi16(ae, b1e), _mm256_madd_epi16(ao, b1o)));
            }
        }
    }
    for (int i = 0; i < mr; i++) store256(acc[i][0], acc[i][1], sa[i], sw, accumulate, c + (size_t)i * ldc);
}

// One function per row count, so that each keeps its accumulators in registers.
#define TILE(KIND, TARGET, R)                                                                                 \
    __attribute__((target(TARGET))) static void KIND##_tile_##R(                                              \
        int groups, const uint8_t *a, int lda, const int8_t *b, const int32_t *init, const float *sa,         \
        const float *sw, int accumulate, float *c, int ldc) {                                                 \
        KIND##_tile(R, groups, a, lda, b, init, sa, sw, accumulate, c, ldc);                                  \
    }
#define V512 "avx512f,avx512bw,avx512vnni"
#define V256 "avx2,avxvnni"
TILE(vnni512, V512, 1) TILE(vnni512, V512, 2) TILE(vnni512, V512, 3) TILE(vnni512, V512, 4)
TILE(vnni512, V512, 5) TILE(vnni512, V512, 6) TILE(vnni512, V512, 7) TILE(vnni512, V512, 8)
TILE(vnni256, V256, 1) TILE(vnni256, V256, 2) TILE(vnni256, V256, 3)
TILE(vnni256, V256, 4) TILE(vnni256, V256, 5) TILE(vnni256, V256, 6)
TILE(avx2, "avx2", 1) TILE(avx2, "avx2", 2) TILE(avx2, "avx2", 3) TILE(avx2, "avx2", 4)
static const tile_fn vnni512_tiles[9] = {0, vnni512_tile_1, vnni512_tile_2, vnni512_tile_3, vnni512_tile_4,
                                         vnni512_tile_5, vnni512_tile_6, vnni512_tile_7, vnni512_tile_8};
static const tile_fn vnni256_tiles[7] = {0, vnni256_tile_1, vnni256_tile_2, vnni256_tile_3,
                                         vnni256_tile_4, vnni256_tile_5, vnni256_tile_6};
static const tile_fn avx2_tiles[5] = {0, avx2_tile_1, avx2_tile_2, avx2_tile_3, avx2_tile_4};

// AVX-VNNI is CPUID leaf 7, subleaf 1, EAX bit 4; it uses the AVX state, which the AVX2
// check has found the OS saving.
static int has_avx_vnni(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 1, a, b, c, d);
    return (a >> 4) & 1;
}
#endif

#if defined(__x86_64__)
// The same quantisation with AVX-512: the maximum is exact in any order, and cvtps2dq
// rounds half to even as lrintf does, so the bytes are those of the portable loop.
__attribute__((target("avx512f"))) static void quantise_rows_avx512(const float *a, int lda, int m, int k,
                                                                   uint8_t *q, float *scales) {
    int kp = int8_gemm_padded_depth(k);
    const __m512i top = _mm512_set1_epi32(127), bottom = _mm512_set1_epi32(-127), shift = _mm512_set1_epi32(128);
    for (int i = 0; i < m; i++) {
        const float *row = a + (size_t)i * lda;
        uint8_t *d = q + (size_t)i * kp;
        __m512 mx = _mm512_setzero_ps();
        for (int j = 0; j < k; j += 16) {
            __mmask16 valid = k - j >= 16 ? 0xffff : (__mmask16)((1u << (k - j)) - 1);
            mx = _mm512_max_ps(mx, _mm512_abs_ps(_mm512_maskz_loadu_ps(valid, row + j)));
        }
        float top_abs = _mm512_reduce_max_ps(mx);
        float inverse = top_abs > 0 ? 127.0f / top_abs : 0;
        __m512 inv = _mm512_set1_ps(inverse);
        for (int j = 0; j < k; j += 16) {
            __mmask16 valid = k - j >= 16 ? 0xffff : (__mmask16)((1u << (k - j)) - 1);
            __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(valid, row + j), inv));
            v = _mm512_add_epi32(_mm512_max_epi32(_mm512_min_epi32(v, top), bottom), shift);
            _mm512_mask_cvtepi32_storeu_epi8(d + j, valid, v);
        }
        for (int j = k; j < kp; j++) d[j] = 128;
        scales[i] = top_abs / 127.0f;
    }
}
#endif

#define PORTABLE_TILE(R)                                                                                      \
    static void portable_tile_##R(int groups, const uint8_t *a, int lda, const int8_t *b, const int32_t *init, \
                                  const float *sa, const float *sw, int accumulate, float *c, int ldc) {      \
        portable_tile(R, groups, a, lda, b, init, sa, sw, accumulate, c, ldc);                                \
    }
PORTABLE_TILE(1) PORTABLE_TILE(2) PORTABLE_TILE(3) PORTABLE_TILE(4)
static const tile_fn portable_tiles[5] = {0, portable_tile_1, portable_tile_2, portable_tile_3, portable_tile_4};

typedef void (*quantise_fn)(const float *a, int lda, int m, int k, uint8_t *q, float *scales);

struct kernel {
    const char *name;
    const tile_fn *tiles;
    quantise_fn quantise;
    int rows;     // rows per tile
    int columns;  // columns per tile: a panel or half of one
};

static const char *const names[4] = {"portable", "avx2", "avxvnni", "avx512vnni"};

// The best kernel the CPU has of those up to `limit` (an index of `names`); returns its index.
static int available(int limit, struct kernel *out) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2");
    if (limit >= 3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vnni")) {
        *out = (struct kernel){names[3], vnni512_tiles, quantise_rows_avx512, 8, 32};
        return 3;
    }
    if (limit >= 2 && avx2 && has_avx_vnni()) {
        *out = (struct kernel){names[2], vnni256_tiles, quantise_rows_portable, 6, 16};
        return 2;
    }
    if (limit >= 1 && avx2) {
        *out = (struct kernel){names[1], avx2_tiles, quantise_rows_portable, 4, 16};
        return 1;
    }
#endif
    *out = (struct kernel){names[0], portable_tiles, quantise_rows_portable, 4, 32};
    return 0;
}

// The index of a kernel's name; the best for NULL, -1 for a name that is none.
static int limit_of(const char *name) {
    if (name == NULL) return 3;
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) return i;
    return -1;
}

// Chosen once; every thread computes the same choice, so the race is benign.
static struct kernel chosen;
static volatile int ready = 0;

static const struct kernel *active(void) {
    if (!ready) {
        int limit = limit_of(getenv("SWIFTNMT_INT8_KERNEL"));
        available(limit < 0 ? 3 : limit, &chosen);
        ready = 1;
    }
    return &chosen;
}

const char *int8_gemm_kernel(void) { return active()->name; }

void int8_gemm_quantise_rows(const float *a, int lda, int m, int k, uint8_t *q, float *scales) {
    active()->quantise(a, lda, m, k, q, scales);
}

int int8_gemm_quantise_rows_using(const char *kernel, const float *a, int lda, int m, int k, uint8_t *q,
                                  float *scales) {
    struct kernel kn;
    int limit = limit_of(kernel);
    if (limit < 0 || available(limit, &kn) != limit) return 0;
    kn.quantise(a, lda, m, k, q, scales);
    return 1;
}

static void multiply_with(const struct kernel *kn, int m, int n, int k, const uint8_t *qa, const float *sa,
                          const int8_t *packed, const float *sw, const int32_t *rowsums, int accumulate, float *c,
                          int ldc) {
    int kp = int8_gemm_padded_depth(k), groups = kp / 4;
    // Blocks of rows whose activations stay in 128 KiB of the L2 cache while every panel
    // passes over them; a multiple of every kernel's tile height.
    int block = (131072 / (kp > 0 ? kp : 1)) / 24 * 24;
    if (block < 24) block = 24;
    for (int i0 = 0; i0 < m; i0 += block) {
        int i1 = m - i0 < block ? m : i0 + block;
        for (size_t p = 0; p < panel_count(n); p++) {
            const int8_t *panel = packed + p * GROUP * (size_t)groups;
            int j0 = (int)p * NR;
            // The panel's sum starts, scales padded to a whole panel (read by full-width tiles).
            int32_t init[NR];
            float scales[NR];
            for (int j = 0; j < NR; j++) {
                init[j] = j0 + j < n ? -128 * rowsums[j0 + j] : 0;
                scales[j] = j0 + j < n ? sw[j0 + j] : 0;
            }
            for (int part = 0; part * kn->columns < NR && j0 + part * kn->columns < n; part++) {
                int jt = j0 + part * kn->columns, cols = n - jt < kn->columns ? n - jt : kn->columns;
                const int8_t *b = panel + part * kn->columns * 4;
                const int32_t *it = init + part * kn->columns;
                const float *st = scales + part * kn->columns;
                for (int i = i0; i < i1; i += kn->rows) {
                    int mr = i1 - i < kn->rows ? i1 - i : kn->rows;
                    const uint8_t *a = qa + (size_t)i * kp;
                    float *ct = c + (size_t)i * ldc + jt;
                    if (cols == kn->columns) {
                        kn->tiles[mr](groups, a, kp, b, it, sa + i, st, accumulate, ct, ldc);
                    } else {
                        // An edge: the whole width into a copy, then its valid columns.
                        float t[8 * NR];
                        int w = kn->columns;
                        for (int r = 0; r < mr; r++)
                            for (int j = 0; j < w; j++) t[r * w + j] = accumulate && j < cols ? ct[(size_t)r * ldc + j] : 0;
                        kn->tiles[mr](groups, a, kp, b, it, sa + i, st, accumulate, t, w);
                        for (int r = 0; r < mr; r++)
                            for (int j = 0; j < cols; j++) ct[(size_t)r * ldc + j] = t[r * w + j];
                    }
                }
            }
        }
    }
}

void int8_gemm_multiply(int m, int n, int k, const uint8_t *qa, const float *a_scales, const int8_t *packed,
                        const float *w_scales, const int32_t *rowsums, int accumulate, float *c, int ldc) {
    multiply_with(active(), m, n, k, qa, a_scales, packed, w_scales, rowsums, accumulate, c, ldc);
}

int int8_gemm_multiply_using(const char *kernel, int m, int n, int k, const uint8_t *qa, const float *a_scales,
                             const int8_t *packed, const float *w_scales, const int32_t *rowsums, int accumulate,
                             float *c, int ldc) {
    struct kernel kn;
    int limit = limit_of(kernel);
    if (limit < 0 || available(limit, &kn) != limit) return 0;
    multiply_with(&kn, m, n, k, qa, a_scales, packed, w_scales, rowsums, accumulate, c, ldc);
    return 1;
}
