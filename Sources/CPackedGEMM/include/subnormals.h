#ifndef SUBNORMALS_H
#define SUBNORMALS_H

// Flush-to-zero and denormals-are-zero for this thread's SSE/AVX arithmetic (threads it
// creates later inherit the mode). Returns whether they were on before. A no-op returning 0
// where the CPU has no such mode.
int subnormals_flush_to_zero(int on);

// Stops OpenBLAS's thread pool, which it starts again at its next threaded call from the
// calling thread, so that the pool takes that thread's floating-point mode. Only while no
// BLAS call runs. Returns 0 where the BLAS has no such pool (nothing done).
int subnormals_restart_blas_threads(void);

#endif
