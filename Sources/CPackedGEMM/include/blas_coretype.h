#ifndef BLAS_CORETYPE_H
#define BLAS_CORETYPE_H

// The OpenBLAS kernel family ("SkylakeX", "Haswell") that this CPU's
// instruction set supports best, or NULL where it has no AVX2 and FMA: what
// OPENBLAS_CORETYPE should name when OpenBLAS does not know the CPU's model.
const char *blas_coretype_for_cpu(void);

#endif
