import Foundation

/// The numbered model files `training.keep_checkpoints` keeps beside the model:
/// `MODEL.step-STEP.safetensors` (STEP in decimal, no padding), one per validation and
/// per `checkpoint_interval` checkpoint, the latest N of them; a model-averaging tool
/// finds them by that pattern.
extension CheckpointPaths {
    /// `MODEL.step-1200.safetensors` for `--save MODEL.safetensors`.
    public func numbered(step: Int) -> String { numberedPrefix + String(step) + Self.suffix }

    /// The numbered model files on disk, by step (ascending).
    public func numberedFiles() -> [(step: Int, path: String)] {
        let (directory, prefix) = (
            (numberedPrefix as NSString).deletingLastPathComponent, (numberedPrefix as NSString).lastPathComponent
        )
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix(prefix), name.hasSuffix(Self.suffix) else { return nil }
            let digits = name.dropFirst(prefix.count).dropLast(Self.suffix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let step = Int(digits) else { return nil }
            return (step, directory.isEmpty ? name : directory + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    /// Deletes all but the `keep` latest numbered files up to `step`, and those past it:
    /// they belong to a run that did not go on from this step (a fresh start on the same
    /// path, or a kill before the resume state of that step), which this run replaces.
    public func pruneNumbered(keeping keep: Int, upTo step: Int) throws {
        let files = numberedFiles()
        let current = files.filter { $0.step <= step }
        for f in current.dropLast(keep) + files.filter({ $0.step > step }) {
            guard unlink(f.path) == 0 || errno == ENOENT else {
                throw TrainingError("cannot delete an old numbered checkpoint: \(String(cString: strerror(errno)))", at: f.path)
            }
        }
    }

    private static let suffix = ".safetensors"

    private var numberedPrefix: String {
        (best.hasSuffix(Self.suffix) ? String(best.dropLast(Self.suffix.count)) : best) + ".step-"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
