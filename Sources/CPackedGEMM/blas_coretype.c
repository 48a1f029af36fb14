#include "blas_coretype.h"

// OpenBLAS recognises CPUs by vendor, family and model, so on a model newer than the
// library it falls back to its oldest x86-64 kernel; the instruction set says what the
// CPU can run whatever its model.
const char *blas_coretype_for_cpu(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    // SkylakeX rather than Cooperlake where the CPU has AVX-512 BF16: the same sgemm, and
    // OpenBLAS 0.3.21 does not take "Cooperlake" by name.
    if (avx512) return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return 0;
}
