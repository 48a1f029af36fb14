#ifndef SUBNORMALS_H
#define SUBNORMALS_H

// Flush-to-zero and denormals-are-zero for this thread's SSE/AVX arithmetic (threads it
// creates later inherit the mode). Returns whether they were on before. A no-op returning 0
// where the CPU has no such mode.
int subnormals_flush_to_zero(int on);

#endif
