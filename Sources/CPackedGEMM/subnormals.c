#include "subnormals.h"
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

// On Intel cores each operation on a subnormal float takes a microcode assist of about a
// hundred cycles. Vanishing gradients are exactly such values: a plain RNN's training on
// Multi30k ran at a fifth of its speed with 83% of its time in sgemm on them.
int subnormals_flush_to_zero(int on) {
#if defined(__x86_64__)
    const unsigned modes = 0x8040;  // FTZ (bit 15) and DAZ (bit 6)
    unsigned csr = _mm_getcsr();
    _mm_setcsr(on ? (csr | modes) : (csr & ~modes));
    return (csr & modes) == modes;
#else
    (void)on;
    return 0;
#endif
}

#if defined(__linux__)
// OpenBLAS (its pthreads build) starts its thread pool when the library loads, before main,
// and a new thread takes the floating-point mode of the thread that creates it. Weak: a
// BLAS without it leaves the reference null.
extern void blas_thread_shutdown_(void) __attribute__((weak));
#endif

int subnormals_restart_blas_threads(void) {
#if defined(__linux__)
    if (blas_thread_shutdown_) {
        blas_thread_shutdown_();
        return 1;
    }
#endif
    return 0;
}
