#ifndef INT8_GEMM_H
#define INT8_GEMM_H
#include <stddef.h>
#include <stdint.h>

// int8 products x·Wᵀ for translation, as Marian's intgemm and CTranslate2 do them: W is
// quantised once per output row (symmetric, scale = max|w| / 127), the rows of x at each
// call (scale = max|x| / 127), the products summed in int32 and the sums scaled back by
// the two scales.
//
// Integer sums are exact, so every kernel (AVX-512 VNNI, AVX-VNNI, AVX2, portable) gives
// the same int32 sums, and the same floats after c = (float)sum · (scale_x · scale_w)
// (+ c), done in that order everywhere: the results are the same bit for bit on every
// x86-64 host.
//
// The packed weight holds panels of INT8_GEMM_PANEL output rows; within a panel, groups
// of 4 depth values, each group INT8_GEMM_PANEL × 4 bytes (a row's 4 values together, as
// vpdpbusd reads them). The depth is padded with zeros to a multiple of 4. Activations are
// stored shifted by +128 as unsigned bytes (vpdpbusd multiplies unsigned by signed), rows
// of the padded depth, the padding 128 (zero); the kernels start each sum at
// −128 · rowsum(w) to undo the shift.

#define INT8_GEMM_PANEL 32

/// The depth k padded to a multiple of 4.
int int8_gemm_padded_depth(int k);

/// Bytes of the packed form of n output rows of depth k.
size_t int8_gemm_packed_size(int n, int k);

/// Quantises W (n rows of k floats, row stride ldw) into `packed`
/// (int8_gemm_packed_size bytes), its n row scales and its n row sums.
void int8_gemm_quantise_weight(const float *w, int ldw, int n, int k, int8_t *packed, float *scales,
                               int32_t *rowsums);

/// The packed form of rows rows[0..<count] of a packed weight of n rows (each < n), with
/// their scales and row sums: a shortlist's part of an output layer.
void int8_gemm_gather(const int8_t *packed, const float *scales, const int32_t *rowsums, int n, int k,
                      const int32_t *rows, int count, int8_t *out, float *out_scales, int32_t *out_rowsums);

/// Quantises m rows of k floats (row stride lda) into q (m rows of int8_gemm_padded_depth(k)
/// bytes, shifted by +128) and their m scales. A row of zeros gets scale 0.
void int8_gemm_quantise_rows(const float *a, int lda, int m, int k, uint8_t *q, float *scales);

/// C[m×n] = dequantised (qa · Wᵀ) (+ C when accumulate is non-zero).
void int8_gemm_multiply(int m, int n, int k, const uint8_t *qa, const float *a_scales, const int8_t *packed,
                        const float *w_scales, const int32_t *rowsums, int accumulate, float *c, int ldc);

/// The kernel in use: "avx512vnni", "avxvnni", "avx2" or "portable" (the best the CPU has,
/// or a lesser one named by SWIFTNMT_INT8_KERNEL).
const char *int8_gemm_kernel(void);

/// int8_gemm_multiply on the kernel named if this CPU has it; returns whether it does. For
/// testing the kernels side by side.
int int8_gemm_multiply_using(const char *kernel, int m, int n, int k, const uint8_t *qa, const float *a_scales,
                             const int8_t *packed, const float *w_scales, const int32_t *rowsums, int accumulate,
                             float *c, int ldc);

/// int8_gemm_quantise_rows as the kernel named does it, if this CPU has it (the bytes are the
/// same on every kernel); returns whether it does.
int int8_gemm_quantise_rows_using(const char *kernel, const float *a, int lda, int m, int k, uint8_t *q,
                                  float *scales);

#endif
