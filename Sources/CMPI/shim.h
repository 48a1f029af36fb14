// OpenMPI's header, found through pkg-config (ompi-c). Only the C shim (CMPIShim) includes
// it: Swift cannot use MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, ...), which are macros.
#include <mpi.h>
