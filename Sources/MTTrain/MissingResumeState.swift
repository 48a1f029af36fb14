import Foundation

extension CheckpointPaths {
    /// Why `--resume` has nothing to continue from, read from what the earlier run left:
    /// a log without a resume state means that run was stopped before its first checkpoint.
    /// `killedRun` is the description in the lock a killed run left (`FileLock.previousOwner`).
    public func missingResumeStateError(killedRun: String? = nil) -> TrainingError {
        let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
        let restart = "train without --resume to start over"
        let which = killedRun.map { " (\($0), killed)" } ?? ""
        if exists(log) || killedRun != nil {
            return TrainingError(
                "no resume state to continue from: the run\(which)\(exists(log) ? " that wrote \(log)" : "") was stopped before its first checkpoint "
                    + "(checkpoints come every training.checkpoint_time, 10m by default, every "
                    + "training.checkpoint_interval updates, at each validation and at the end); \(restart)",
                at: resumeState)
        }
        if exists(best) || exists(last) {
            return TrainingError(
                "no resume state to continue from: the model is there but not its resume state (deleted or moved); \(restart)",
                at: resumeState)
        }
        return TrainingError("no resume state to continue from: no run has trained with this --save path; train without --resume first", at: resumeState)
    }
}
