import Foundation
import MTTrain

#if SWIFTNMT_MPI
import MTMPI
#endif

/// The MPI job this process is a rank of, when a launcher (mpirun, srun) started it:
/// joined once, left after training (MPI_Finalize).
enum MPIJob {
    /// Ranks in the job as the launcher tells them (1 when started alone).
    static var launcherSize: Int {
        let e = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"].lazy.compactMap { e[$0].flatMap(Int.init) }.first ?? 1
    }

    #if SWIFTNMT_MPI
    nonisolated(unsafe) static var communicator: MPICommunicator?
    #endif

    /// Joins the job, or nil when this process trains alone (one rank is the same).
    static func join(summation: GradientSummation, checkInterval: Int, overlap: Bool) throws -> DistributedTraining? {
        #if SWIFTNMT_MPI
        guard MPICommunicator.launchedAsRank() else { return nil }
        let c = try MPICommunicator()
        communicator = c
        guard c.size > 1 else { return nil }
        return DistributedTraining(communicator: c, summation: summation, checkInterval: checkInterval, overlap: overlap)
        #else
        // Without MPI every rank would train the whole model alone and write the same files.
        if launcherSize > 1 {
            throw TrainingError(
                "started as one of \(launcherSize) ranks, but this mt-train was built without MPI support (build it with SWIFTNMT_MPI=1, see README)")
        }
        return nil
        #endif
    }

    static func leave() {
        #if SWIFTNMT_MPI
        communicator?.finalize()
        #endif
    }
}
