#ifndef PACKED_GEMM_H
#define PACKED_GEMM_H
#include <stddef.h>

// Single-precision products with a weight packed once and reused for many calls: the
// per-step products of recurrent layers, whose few rows would otherwise pay for packing
// the whole weight on every call.
//
// The packed form holds panels of PACKED_GEMM_PANEL columns, each k rows deep. Every
// element of the result is c = fma(a[k-1]·b[k-1], … fma(a[0]·b[0], beta·c)): one chain in
// k order whatever the instruction set, the row count or the share of panels a thread
// takes, so results are the same bit for bit on every x86-64 host and thread count.

#define PACKED_GEMM_PANEL 32

/// Floats of the packed form of a product with n output columns and depth k.
size_t packed_gemm_size(int n, int k);

/// Packs B = Wᵀ for products x·Wᵀ, W being n rows (outputs) of k values, row stride ldw.
void packed_gemm_pack_transposed(const float *w, int ldw, int n, int k, float *packed);

/// Packs B = W for products d·W, W being k rows of n values, row stride ldw.
void packed_gemm_pack(const float *w, int ldw, int k, int n, float *packed);

/// C[m×n] = A[m×k]·B (+ C when accumulate is non-zero), over the panels
/// [first_panel, end_panel) only, so that threads can share the columns.
void packed_gemm_multiply(int m, int n, int k, const float *a, int lda, const float *packed,
                          int accumulate, float *c, int ldc, int first_panel, int end_panel);

/// The instruction set in use: "avx512", "avx2" or "portable".
const char *packed_gemm_kernel(void);

/// packed_gemm_multiply on the kernel named ("avx512", "avx2" or "portable") if this CPU has
/// it; returns whether it does. Every kernel gives the same results: this is for testing them
/// side by side (SWIFTNMT_GEMM_KERNEL chooses the one in use).
int packed_gemm_multiply_using(const char *kernel, int m, int n, int k, const float *a, int lda,
                               const float *packed, int accumulate, float *c, int ldc, int first_panel,
                               int end_panel);

/// Whether the kernel in use is fast: an x86-64 CPU without AVX2 has no fused multiply-add
/// instruction, so the portable kernel's fmaf would be a library call per element there.
int packed_gemm_fast(void);

#endif
