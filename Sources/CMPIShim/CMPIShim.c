#include "CMPIShim.h"
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

int swiftnmt_mpi_init(int *rank, int *size, int *serialized) {
    int provided = 0;
    // A communication thread makes calls too, never at the same time as another thread.
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    if (rc != MPI_SUCCESS) return rc;
    *serialized = provided >= MPI_THREAD_SERIALIZED;
    // A failed call (e.g. a peer gone) comes back as a code the caller reports.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    rc = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (rc != MPI_SUCCESS) return rc;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

int swiftnmt_mpi_finalize(void) { return MPI_Finalize(); }

void swiftnmt_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

void swiftnmt_mpi_error_string(int code, char *text, int capacity) {
    char buffer[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (capacity <= 0) return;
    if (MPI_Error_string(code, buffer, &length) != MPI_SUCCESS) length = 0;
    if (length >= capacity) length = capacity - 1;
    memcpy(text, buffer, (size_t)length);
    text[length] = 0;
}

void swiftnmt_mpi_processor_name(char *text, int capacity) {
    char buffer[MPI_MAX_PROCESSOR_NAME];
    int length = 0;
    if (capacity <= 0) return;
    if (MPI_Get_processor_name(buffer, &length) != MPI_SUCCESS) length = 0;
    if (length >= capacity) length = capacity - 1;
    memcpy(text, buffer, (size_t)length);
    text[length] = 0;
}

int swiftnmt_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

int swiftnmt_mpi_bcast(void *buffer, int bytes, int root) {
    return MPI_Bcast(buffer, bytes, MPI_BYTE, root, MPI_COMM_WORLD);
}

int swiftnmt_mpi_allgather(const void *mine, int bytes, void *all) {
    return MPI_Allgather(mine, bytes, MPI_BYTE, all, bytes, MPI_BYTE, MPI_COMM_WORLD);
}

int swiftnmt_mpi_alltoall(const void *send, int bytes, void *receive) {
    return MPI_Alltoall(send, bytes, MPI_BYTE, receive, bytes, MPI_BYTE, MPI_COMM_WORLD);
}

int swiftnmt_mpi_send(const void *buffer, int bytes, int destination, int tag) {
    return MPI_Send(buffer, bytes, MPI_BYTE, destination, tag, MPI_COMM_WORLD);
}

int swiftnmt_mpi_recv(void *buffer, int bytes, int source, int tag) {
    return MPI_Recv(buffer, bytes, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int swiftnmt_mpi_allreduce_sum_float(float *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

int swiftnmt_mpi_allreduce_sum_double(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

// Non-blocking operations: the MPI_Request lives in a small allocation of its own, so that
// Swift holds an opaque pointer whatever type the MPI library gives MPI_Request; `test`
// frees it once the operation is complete and sets *request to NULL.

static int started(int rc, MPI_Request *r, void **request) {
    if (rc != MPI_SUCCESS) {
        free(r);
        *request = NULL;
        return rc;
    }
    *request = r;
    return MPI_SUCCESS;
}

int swiftnmt_mpi_iallgather(const void *mine, int bytes, void *all, void **request) {
    MPI_Request *r = malloc(sizeof(MPI_Request));
    if (r == NULL) return MPI_ERR_NO_MEM;
    return started(MPI_Iallgather(mine, bytes, MPI_BYTE, all, bytes, MPI_BYTE, MPI_COMM_WORLD, r), r, request);
}

int swiftnmt_mpi_ialltoall(const void *send, int bytes, void *receive, void **request) {
    MPI_Request *r = malloc(sizeof(MPI_Request));
    if (r == NULL) return MPI_ERR_NO_MEM;
    return started(MPI_Ialltoall(send, bytes, MPI_BYTE, receive, bytes, MPI_BYTE, MPI_COMM_WORLD, r), r, request);
}

int swiftnmt_mpi_iallreduce_sum_float(float *buffer, int count, void **request) {
    MPI_Request *r = malloc(sizeof(MPI_Request));
    if (r == NULL) return MPI_ERR_NO_MEM;
    return started(MPI_Iallreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, r), r, request);
}

int swiftnmt_mpi_iallreduce_sum_double(double *buffer, int count, void **request) {
    MPI_Request *r = malloc(sizeof(MPI_Request));
    if (r == NULL) return MPI_ERR_NO_MEM;
    return started(MPI_Iallreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD, r), r, request);
}

int swiftnmt_mpi_test(void **request, int *done) {
    MPI_Request *r = *request;
    *done = 1;
    if (r == NULL) return MPI_SUCCESS;
    int flag = 0;
    int rc = MPI_Test(r, &flag, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) return rc;
    *done = flag;
    if (flag) {
        free(r);
        *request = NULL;
    }
    return MPI_SUCCESS;
}
