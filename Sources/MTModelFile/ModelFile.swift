import Foundation
import MTCore
import MTModel
import MTTensor
import MTText

/// A model and the text pipeline it was trained with, as read from a model file.
public struct LoadedModel {
    public let model: Seq2Seq<Float>
    public let pipeline: TextPipeline
    public let metadata: [String: String]
}

/// A model is one safetensors file: the parameters as F32 tensors, and in `__metadata__`
/// the model configuration, the whole text pipeline (settings, BPE codes, vocabularies)
/// and whatever the trainer adds. It is all that translation needs.
public enum ModelFile {
    public static let formatKey = "format"
    public static let format = "swiftnmt-model/1"
    public static let configKey = "model.config"

    /// Writes atomically: a crash leaves either the old file or the new one.
    public static func save(
        _ model: Seq2Seq<Float>, pipeline: TextPipeline, extraMetadata: [String: String] = [:], to path: String
    ) throws {
        var metadata = extraMetadata
        for (k, v) in pipeline.metadata { metadata[k] = v }
        metadata[formatKey] = format
        metadata[configKey] = try model.config.jsonString()
        try model.store.save(to: path, metadata: metadata)
    }

    public static func load(_ path: String) throws -> LoadedModel {
        let file = try SafeTensorsFile.open(path, as: "model file")
        let metadata = file.metadata
        guard let tag = metadata[formatKey] else {
            throw FileError("not a model file: no '\(formatKey)' in its metadata", path: path)
        }
        guard tag == format else {
            throw FileError("unsupported model format '\(tag)' (this version reads '\(format)')", path: path)
        }
        guard let json = metadata[configKey] else {
            throw FileError("model file without '\(configKey)'", path: path)
        }
        let config: Seq2SeqConfig
        do {
            config = try Seq2SeqConfig.fromJSON(json)
        } catch {
            throw FileError("invalid model configuration in the file: \(error)", path: path)
        }
        if let problem = config.problem {
            throw FileError("invalid model configuration in the file: \(problem)", path: path)
        }
        let pipeline: TextPipeline
        do {
            pipeline = try TextPipeline(metadata: metadata, location: path)
        } catch {
            throw FileError("invalid text pipeline in the file: \(error)", path: path)
        }
        let (src, tgt) = (pipeline.sourceVocabulary.count, pipeline.targetVocabulary.count)
        guard src == config.sourceVocabularySize, tgt == config.targetVocabularySize else {
            throw FileError(
                "vocabularies of \(src)/\(tgt) tokens do not match the model's "
                    + "\(config.sourceVocabularySize)/\(config.targetVocabularySize)", path: path)
        }
        let stored = file.names.reduce(0) { $0 + (file[$1]?.shape.reduce(1, *) ?? 0) }
        guard let floor = config.parameterFloor, stored >= floor else {
            throw FileError(
                "the file holds \(stored) parameters, too few for its configuration (at least \(config.parameterFloor.map(String.init) ?? "more than Int.max"))",
                path: path)
        }
        let model = Seq2Seq<Float>(config, rng: SeededRandom(seed: 0), initializeParameters: false)
        do {
            try model.store.load(from: file)
        } catch let e as CheckpointMismatch {
            throw FileError("mismatched checkpoint: \(e.message)", path: path)
        }
        return LoadedModel(model: model, pipeline: pipeline, metadata: metadata)
    }
}
