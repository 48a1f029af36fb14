import Foundation
import MTCore

extension CheckpointPaths {
    /// `MODEL.lock` beside `MODEL.safetensors`: held by the run training with that path.
    public var lock: String {
        (best.hasSuffix(".safetensors") ? String(best.dropLast(".safetensors".count)) : best) + ".lock"
    }

    /// Takes the lock on the `--save` path for this process, or says who holds it: two
    /// runs writing the same checkpoints would each overwrite the other's. A run killed
    /// without releasing it leaves its lock to the kernel, which frees it. Once the lock
    /// is held, the temporaries killed runs left beside the model files are removed.
    public func lockForTraining() throws -> FileLock {
        let since = ISO8601DateFormatter().string(from: Date())
        do {
            let held = try FileLock(path: lock, owner: "mt-train pid \(getpid()) since \(since)")
            let stem = (lock as NSString).lastPathComponent.dropLast(".lock".count)
            StagedFile.removeStaleTemporaries(in: (lock as NSString).deletingLastPathComponent, namesStartingWith: stem + ".")
            return held
        } catch let busy as FileLock.Busy {
            let owner = busy.owner.isEmpty ? "another mt-train" : busy.owner
            throw TrainingError(
                "this --save path is in use by \(owner): wait for it to end or choose another --save", at: lock)
        }
    }
}
