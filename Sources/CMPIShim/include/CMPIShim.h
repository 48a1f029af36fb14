#ifndef SWIFTNMT_CMPISHIM_H
#define SWIFTNMT_CMPISHIM_H

// MPI_COMM_WORLD's operations as plain C functions of plain types, for Swift. Every
// function returns MPI's error code (0 = success): errors return instead of aborting.
// Counts are ints, as in MPI; callers send large buffers in chunks.

#include <stddef.h>

/// MPI_Init_thread (MPI_THREAD_SERIALIZED: any thread calls MPI, one at a time) and
/// MPI_ERRORS_RETURN. *serialized: whether the library granted that level.
int swiftnmt_mpi_init(int *rank, int *size, int *serialized);
int swiftnmt_mpi_finalize(void);
/// Ends every rank of the job (MPI_Abort) with `code`.
void swiftnmt_mpi_abort(int code);
/// MPI's message for `code`, into `text` (at most `capacity` bytes, terminated).
void swiftnmt_mpi_error_string(int code, char *text, int capacity);
/// The name of this process's host (MPI_Get_processor_name).
void swiftnmt_mpi_processor_name(char *text, int capacity);

int swiftnmt_mpi_barrier(void);
int swiftnmt_mpi_bcast(void *buffer, int bytes, int root);
/// Every rank's `bytes` bytes, in rank order, into `all` (size × bytes).
int swiftnmt_mpi_allgather(const void *mine, int bytes, void *all);
/// Block r (`bytes` bytes) of `send` to rank r; rank r's block for this rank into block r of `receive`.
int swiftnmt_mpi_alltoall(const void *send, int bytes, void *receive);
int swiftnmt_mpi_send(const void *buffer, int bytes, int destination, int tag);
int swiftnmt_mpi_recv(void *buffer, int bytes, int source, int tag);
/// In-place MPI_SUM of floats or doubles over all ranks (MPI's own order of summation).
int swiftnmt_mpi_allreduce_sum_float(float *buffer, int count);
int swiftnmt_mpi_allreduce_sum_double(double *buffer, int count);

/// Non-blocking forms: *request receives a handle for swiftnmt_mpi_test (NULL on error).
int swiftnmt_mpi_iallgather(const void *mine, int bytes, void *all, void **request);
int swiftnmt_mpi_ialltoall(const void *send, int bytes, void *receive, void **request);
int swiftnmt_mpi_iallreduce_sum_float(float *buffer, int count, void **request);
int swiftnmt_mpi_iallreduce_sum_double(double *buffer, int count, void **request);
/// MPI_Test: *done = 1 once the operation is complete (the handle is then freed and
/// *request set to NULL; a NULL *request is complete).
int swiftnmt_mpi_test(void **request, int *done);

#endif
