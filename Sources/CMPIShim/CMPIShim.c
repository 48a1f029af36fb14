#include "CMPIShim.h"
#include <mpi.h>
#include <string.h>

int swiftnmt_mpi_init(int *rank, int *size) {
    int provided = 0;
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS) return rc;
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
