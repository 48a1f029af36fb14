import Foundation
import MTCore

/// A model's shape with its vocabulary sizes: what builds a `Seq2Seq`. The shape's settings
/// read through (`config.hiddenSize`).
///
/// In model files it is one flat JSON object: the vocabulary sizes beside the shape's keys.
@dynamicMemberLookup
public struct Seq2SeqConfig: Equatable, Sendable {
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    public var model: ModelConfig

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, model: ModelConfig = ModelConfig()) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.model = model
    }

    public subscript<V>(dynamicMember path: WritableKeyPath<ModelConfig, V>) -> V {
        get { model[keyPath: path] }
        set { model[keyPath: path] = newValue }
    }

    public subscript<V>(dynamicMember path: KeyPath<ModelConfig, V>) -> V { model[keyPath: path] }

    /// What is wrong with this configuration, or nil.
    public var problem: String? {
        if sourceVocabularySize < SpecialToken.count || targetVocabularySize < SpecialToken.count {
            return "vocabularies need the \(SpecialToken.count) special tokens"
        }
        return model.problem
    }
}

extension Seq2SeqConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case sourceVocabularySize = "source_vocabulary_size"
        case targetVocabularySize = "target_vocabulary_size"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sourceVocabularySize = try c.decode(Int.self, forKey: .sourceVocabularySize)
        targetVocabularySize = try c.decode(Int.self, forKey: .targetVocabularySize)
        model = try ModelConfig(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sourceVocabularySize, forKey: .sourceVocabularySize)
        try c.encode(targetVocabularySize, forKey: .targetVocabularySize)
        try model.encode(to: encoder)
    }

    /// Reads the JSON of a model file. Settings it lacks take their defaults, and the
    /// spellings of files written before the schema was shared (`bidirectional`,
    /// `learned_init_uniform`) still read.
    public static func fromJSON(_ text: String) throws -> Seq2SeqConfig {
        guard var object = try JSONValue.parse(text).objectValue else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not a JSON object"))
        }
        if let v = object.removeValue(forKey: "bidirectional"), object["bidirectional_encoder"] == nil {
            object["bidirectional_encoder"] = v
        }
        if let v = object.removeValue(forKey: "learned_init_uniform"), object["learned_init"] == nil {
            object["learned_init"] = .string(v == .bool(true) ? "uniform" : "zero")
        }
        let defaults = try JSONValue(encoding: ModelConfig())
        return try JSONValue.object(object).merged(over: defaults).decode(Seq2SeqConfig.self)
    }

    /// Compact JSON with sorted keys, as model files store it.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
