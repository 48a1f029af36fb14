#include "packed_gemm.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define NR PACKED_GEMM_PANEL

static size_t panel_count(int n) { return (size_t)((n + NR - 1) / NR); }

size_t packed_gemm_size(int n, int k) { return panel_count(n) * NR * (size_t)k; }

void packed_gemm_pack_transposed(const float *w, int ldw, int n, int k, float *packed) {
    // Blocks of 16 depth values by a panel's 32 rows of W: each row's cache line is read
    // once and the panel's rows are written in order.
    for (size_t p = 0; p < panel_count(n); p++) {
        float *d = packed + p * NR * (size_t)k;
        for (int k0 = 0; k0 < k; k0 += 16) {
            int kn = k - k0 < 16 ? k - k0 : 16;
            for (int jj = 0; jj < NR; jj++) {
                int j = (int)p * NR + jj;
                float *dst = d + (size_t)k0 * NR + jj;
                if (j < n) {
                    const float *src = w + (size_t)j * ldw + k0;
                    for (int q = 0; q < kn; q++) dst[q * NR] = src[q];
                } else {
                    for (int q = 0; q < kn; q++) dst[q * NR] = 0;
                }
            }
        }
    }
}

void packed_gemm_pack(const float *w, int ldw, int k, int n, float *packed) {
    for (size_t p = 0; p < panel_count(n); p++) {
        float *d = packed + p * NR * (size_t)k;
        int j0 = (int)p * NR, cols = n - j0 < NR ? n - j0 : NR;
        for (int kk = 0; kk < k; kk++) {
            memcpy(d + (size_t)kk * NR, w + (size_t)kk * ldw + j0, sizeof(float) * (size_t)cols);
            for (int jj = cols; jj < NR; jj++) d[(size_t)kk * NR + jj] = 0;
        }
    }
}

// A tile computes mr rows of one panel (or half a panel) into c, whose row stride is ldc and
// whose columns are all valid; narrower edges go through a full-width copy (edge_tile).
typedef void (*tile_fn)(int k, const float *a, int lda, const float *b, int accumulate, float *c, int ldc);

// The portable tile: the same fma chain per element, vectorised by the compiler over the
// panel's columns where it can.
static void portable_tile(int mr, int k, const float *a, int lda, const float *b, int accumulate, float *c, int ldc) {
    for (int i = 0; i < mr; i++) {
        float s[NR];
        for (int j = 0; j < NR; j++) s[j] = accumulate ? c[(size_t)i * ldc + j] : 0.0f;
        const float *ai = a + (size_t)i * lda;
        for (int kk = 0; kk < k; kk++) {
            const float *bk = b + (size_t)kk * NR;
            for (int j = 0; j < NR; j++) s[j] = fmaf(ai[kk], bk[j], s[j]);
        }
        for (int j = 0; j < NR; j++) c[(size_t)i * ldc + j] = s[j];
    }
}

#if defined(__x86_64__)
// AVX-512: 8 rows × 32 columns, 16 accumulators.
__attribute__((target("avx512f"), always_inline)) static inline void
avx512_tile(int mr, int k, const float *a, int lda, const float *b, int accumulate, float *c, int ldc) {
    __m512 acc[8][2];
    for (int i = 0; i < 8; i++) {
        if (i < mr && accumulate) {
            acc[i][0] = _mm512_loadu_ps(c + (size_t)i * ldc);
            acc[i][1] = _mm512_loadu_ps(c + (size_t)i * ldc + 16);
        } else {
            acc[i][0] = _mm512_setzero_ps();
            acc[i][1] = _mm512_setzero_ps();
        }
    }
    for (int kk = 0; kk < k; kk++) {
        __m512 b0 = _mm512_loadu_ps(b + (size_t)kk * NR), b1 = _mm512_loadu_ps(b + (size_t)kk * NR + 16);
        for (int i = 0; i < 8; i++) {
            if (i < mr) {
                __m512 ai = _mm512_set1_ps(a[(size_t)i * lda + kk]);
                acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
                acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
            }
        }
    }
    for (int i = 0; i < mr; i++) {
        _mm512_storeu_ps(c + (size_t)i * ldc, acc[i][0]);
        _mm512_storeu_ps(c + (size_t)i * ldc + 16, acc[i][1]);
    }
}

// AVX2: 6 rows × 16 columns (half a panel), 12 accumulators.
__attribute__((target("avx2,fma"), always_inline)) static inline void
avx2_tile(int mr, int k, const float *a, int lda, const float *b, int accumulate, float *c, int ldc) {
    __m256 acc[6][2];
    for (int i = 0; i < 6; i++) {
        if (i < mr && accumulate) {
            acc[i][0] = _mm256_loadu_ps(c + (size_t)i * ldc);
            acc[i][1] = _mm256_loadu_ps(c + (size_t)i * ldc + 8);
        } else {
            acc[i][0] = _mm256_setzero_ps();
            acc[i][1] = _mm256_setzero_ps();
        }
    }
    for (int kk = 0; kk < k; kk++) {
        __m256 b0 = _mm256_loadu_ps(b + (size_t)kk * NR), b1 = _mm256_loadu_ps(b + (size_t)kk * NR + 8);
        for (int i = 0; i < 6; i++) {
            if (i < mr) {
                __m256 ai = _mm256_broadcast_ss(a + (size_t)i * lda + kk);
                acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
                acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
            }
        }
    }
    for (int i = 0; i < mr; i++) {
        _mm256_storeu_ps(c + (size_t)i * ldc, acc[i][0]);
        _mm256_storeu_ps(c + (size_t)i * ldc + 8, acc[i][1]);
    }
}

// One function per row count, so that each keeps its accumulators in registers.
#define AVX512_TILE(R) \
    __attribute__((target("avx512f"))) static void avx512_tile_##R( \
        int k, const float *a, int lda, const float *b, int accumulate, float *c, int ldc) { \
        avx512_tile(R, k, a, lda, b, accumulate, c, ldc); }
#define AVX2_TILE(R) \
    __attribute__((target("avx2,fma"))) static void avx2_tile_##R( \
        int k, const float *a, int lda, const float *b, int accumulate, float *c, int ldc) { \
        avx2_tile(R, k, a, lda, b, accumulate, c, ldc); }
AVX512_TILE(1) AVX512_TILE(2) AVX512_TILE(3) AVX512_TILE(4)
AVX512_TILE(5) AVX512_TILE(6) AVX512_TILE(7) AVX512_TILE(8)
AVX2_TILE(1) AVX2_TILE(2) AVX2_TILE(3) AVX2_TILE(4) AVX2_TILE(5) AVX2_TILE(6)
static const tile_fn avx512_tiles[9] = {
    0, avx512_tile_1, avx512_tile_2, avx512_tile_3, avx512_tile_4,
    avx512_tile_5, avx512_tile_6, avx512_tile_7, avx512_tile_8};
static const tile_fn avx2_tiles[7] = {
    0, avx2_tile_1, avx2_tile_2, avx2_tile_3, avx2_tile_4, avx2_tile_5, avx2_tile_6};
#endif

#define PORTABLE_TILE(R) \
    static void portable_tile_##R(int k, const float *a, int lda, const float *b, int accumulate, float *c, int ldc) { \
        portable_tile(R, k, a, lda, b, accumulate, c, ldc); }
PORTABLE_TILE(1) PORTABLE_TILE(2) PORTABLE_TILE(3) PORTABLE_TILE(4)
static const tile_fn portable_tiles[5] = {0, portable_tile_1, portable_tile_2, portable_tile_3, portable_tile_4};

struct kernel {
    const char *name;
    const tile_fn *tiles;
    int rows;     // rows per tile
    int columns;  // columns per tile: a panel or half of one
};

// The best kernel the CPU has of those up to `limit` (2: AVX-512, 1: AVX2, 0: portable).
static int available(int limit, struct kernel *out) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (limit >= 2 && __builtin_cpu_supports("avx512f")) {
        *out = (struct kernel){"avx512", avx512_tiles, 8, 32};
        return 2;
    }
    if (limit >= 1 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *out = (struct kernel){"avx2", avx2_tiles, 6, 16};
        return 1;
    }
#endif
    *out = (struct kernel){"portable", portable_tiles, 4, 32};
    return 0;
}

static int limit_of(const char *name) {
    return name == NULL ? 2 : strcmp(name, "avx2") == 0 ? 1 : strcmp(name, "portable") == 0 ? 0 : 2;
}

// Chosen once, by the CPU or by SWIFTNMT_GEMM_KERNEL (a lesser kernel, to measure what
// another kind of host gets). Every thread computes the same choice, so the race is benign.
static struct kernel chosen;
static volatile int ready = 0;

static const struct kernel *active(void) {
    if (!ready) {
        available(limit_of(getenv("SWIFTNMT_GEMM_KERNEL")), &chosen);
        ready = 1;
    }
    return &chosen;
}


const char *packed_gemm_kernel(void) { return active()->name; }

int packed_gemm_fast(void) {
#if defined(__x86_64__)
    return active()->tiles != portable_tiles;
#elif defined(__FP_FAST_FMAF) || defined(__aarch64__)
    return 1;
#else
    return 0;
#endif
}

static void edge_tile(const struct kernel *kn, int mr, int k, const float *a, int lda, const float *b,
                      int accumulate, float *c, int ldc, int cols) {
    float t[8 * NR];
    int w = kn->columns;
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < w; j++) t[i * w + j] = accumulate && j < cols ? c[(size_t)i * ldc + j] : 0.0f;
    kn->tiles[mr](k, a, lda, b, accumulate, t, w);
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < cols; j++) c[(size_t)i * ldc + j] = t[i * w + j];
}

static void multiply_with(const struct kernel *kn, int m, int n, int k, const float *a, int lda,
                          const float *packed, int accumulate, float *c, int ldc, int first_panel, int end_panel) {
    // Blocks of rows whose part of A stays in a 256 KiB share of the L2 cache while every
    // panel passes over them (a whole decoding step's hypotheses would not); a multiple of
    // both kernels' tile heights. The result does not depend on it.
    int block = (int)(65536 / (k > 0 ? k : 1)) / 24 * 24;
    if (block < 24) block = 24;
    for (int i0 = 0; i0 < m; i0 += block) {
        int i1 = m - i0 < block ? m : i0 + block;
        for (int p = first_panel; p < end_panel; p++) {
            const float *panel = packed + (size_t)p * NR * (size_t)k;
            int panel_cols = n - p * NR < NR ? n - p * NR : NR;
            for (int part = 0; part * kn->columns < panel_cols; part++) {
                int j0 = p * NR + part * kn->columns;
                int cols = n - j0 < kn->columns ? n - j0 : kn->columns;
                const float *b = panel + part * kn->columns;
                for (int i = i0; i < i1; i += kn->rows) {
                    int mr = i1 - i < kn->rows ? i1 - i : kn->rows;
                    float *ct = c + (size_t)i * ldc + j0;
                    if (cols == kn->columns) kn->tiles[mr](k, a + (size_t)i * lda, lda, b, accumulate, ct, ldc);
                    else edge_tile(kn, mr, k, a + (size_t)i * lda, lda, b, accumulate, ct, ldc, cols);
                }
            }
        }
    }
}

void packed_gemm_multiply(int m, int n, int k, const float *a, int lda, const float *packed,
                          int accumulate, float *c, int ldc, int first_panel, int end_panel) {
    multiply_with(active(), m, n, k, a, lda, packed, accumulate, c, ldc, first_panel, end_panel);
}

int packed_gemm_multiply_using(const char *kernel, int m, int n, int k, const float *a, int lda,
                               const float *packed, int accumulate, float *c, int ldc, int first_panel,
                               int end_panel) {
    struct kernel kn;
    int limit = limit_of(kernel);
    if (available(limit, &kn) != limit) return 0;
    multiply_with(&kn, m, n, k, a, lda, packed, accumulate, c, ldc, first_panel, end_panel);
    return 1;
}
