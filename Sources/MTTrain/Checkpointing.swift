import Foundation
import MTCore
import MTModel
import MTModelFile
import MTTensor
import MTText

/// The files of a training run, all beside the model path given with `--save`:
///
/// - `MODEL.safetensors`: the best model so far (highest validation BLEU; without
///   validation data, the latest);
/// - `MODEL.last.safetensors`: the model at the latest checkpoint;
/// - `MODEL.last.optimizer.safetensors`: the resume state of that checkpoint: the
///   parameters, the optimiser moments and the `TrainingState` (batch position, step,
///   dropout generator, schedule, early stopping) together in one file, so they always
///   belong to the same step;
/// - `MODEL.log.tsv`: the training log (unless `--log` says otherwise).
public struct CheckpointPaths: Equatable, Sendable {
    public var best: String
    public var last: String
    public var resumeState: String
    public var log: String

    public init(model: String, log: String? = nil) {
        let suffix = ".safetensors"
        let stem = model.hasSuffix(suffix) ? String(model.dropLast(suffix.count)) : model
        best = model
        last = stem + ".last" + suffix
        resumeState = optimizerStatePath(forModelAt: last)
        self.log = log ?? stem + ".log.tsv"
    }
}

/// Metadata keys written by training.
public enum TrainingMetadataKey {
    /// The `TrainingConfig` as JSON, in model files and in the resume state.
    public static let config = "training.config"
    /// The `TrainingState` as JSON, in model files (for information).
    public static let state = "training.state"
    /// Tags a resume-state file.
    public static let format = "training.format"
    public static let formatValue = "mt-train-resume-1"
}

/// Writes a model file: through `ModelFile` when the text pipeline is known (a model
/// mt-translate can use), else the bare parameters with `metadata`.
func writeModel(
    _ model: Seq2Seq<Float>, pipeline: TextPipeline?, metadata: [String: String], to path: String
) throws {
    if let pipeline {
        try ModelFile.save(model, pipeline: pipeline, extraMetadata: metadata, to: path)
    } else {
        try model.store.save(to: path, metadata: metadata)
    }
}

/// The resume state file: parameters, optimiser state and training state, written
/// atomically in one file at a step boundary.
public enum ResumeFile {
    public static func write(
        model: Seq2Seq<Float>, optimizer: Optimizer, config: TrainingConfig, state: TrainingState, to path: String
    ) throws {
        var writer = try optimizer.stateWriter(metadata: [
            TrainingMetadataKey.format: TrainingMetadataKey.formatValue,
            TrainingMetadataKey.config: try config.jsonString(),
            TrainingState.metadataKey: try state.jsonString(),
        ])
        for p in model.store.parameters { try writer.add(p.name, p.value, dtype: .f32) }
        try writer.write(to: path)
    }

    /// Opens a resume state file and reads its configuration and training state.
    public static func open(_ path: String) throws -> (file: SafeTensorsFile, config: TrainingConfig, state: TrainingState) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError("no resume state to continue from: train without --resume first", at: path)
        }
        let file = try SafeTensorsFile(contentsOf: path)
        guard file.metadata[TrainingMetadataKey.format] == TrainingMetadataKey.formatValue else {
            throw TrainingError("not an mt-train resume state file", at: path)
        }
        guard let configJSON = file.metadata[TrainingMetadataKey.config],
              let stateJSON = file.metadata[TrainingState.metadataKey]
        else { throw TrainingError("the resume state lacks its configuration or training state", at: path) }
        let config: TrainingConfig
        do {
            config = try TrainingConfig.fromJSON(configJSON)
        } catch let e as ConfigError {
            throw TrainingError("the resume state's configuration is not valid: \(e.message)", at: path)
        }
        let state: TrainingState
        do {
            state = try TrainingState.fromJSON(stateJSON)
        } catch {
            throw TrainingError("the resume state's training state is not valid", at: path)
        }
        return (file, config, state)
    }

    /// Loads parameters and optimiser state from an opened resume file.
    public static func restore(_ file: SafeTensorsFile, model: Seq2Seq<Float>, optimizer: Optimizer) throws {
        try model.store.load(from: file, ignoringPrefixes: ["m.", "v."])
        try optimizer.loadState(from: file)
    }
}

extension TrainingConfig {
    /// The model settings that differ between two configurations, as `key: a vs b`.
    public func modelDifferences(from other: TrainingConfig) -> [String] {
        TrainingConfig.fields.filter { $0.key.hasPrefix("model.") }.compactMap { f in
            let a = f.value(in: self), b = f.value(in: other)
            return a == b ? nil : "\(f.key) is \(a), the resume state has \(b)"
        }
    }
}
