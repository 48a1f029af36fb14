extension TextPipeline {
    /// Metadata keys under which a model file carries the pipeline.
    public enum MetadataKey {
        public static let settings = "text.settings"
        public static let sourceCodes = "text.source_bpe"
        public static let targetCodes = "text.target_bpe"
        public static let sourceVocabulary = "text.source_vocab"
        public static let targetVocabulary = "text.target_vocab"
    }

    /// Everything translation needs, as a string map (safetensors `__metadata__`).
    public var metadata: [String: String] {
        [
            MetadataKey.settings: settings.jsonString(),
            MetadataKey.sourceCodes: sourceCodes.text,
            MetadataKey.targetCodes: targetCodes.text,
            MetadataKey.sourceVocabulary: sourceVocabulary.fileText,
            MetadataKey.targetVocabulary: targetVocabulary.fileText,
        ]
    }

    /// Rebuilds the pipeline from `metadata`, checking the recorded hashes.
    public convenience init(metadata: [String: String], location: String = "model metadata") throws {
        func value(_ key: String) throws -> String {
            guard let v = metadata[key] else { throw TextError("missing '\(key)'", at: location) }
            return v
        }
        try self.init(
            settings: PreprocessSettings(jsonString: value(MetadataKey.settings), location: "\(location) \(MetadataKey.settings)"),
            sourceCodes: BPECodes(text: value(MetadataKey.sourceCodes), location: "\(location) \(MetadataKey.sourceCodes)"),
            targetCodes: BPECodes(text: value(MetadataKey.targetCodes), location: "\(location) \(MetadataKey.targetCodes)"),
            sourceVocabulary: Vocabulary(fileText: value(MetadataKey.sourceVocabulary), location: "\(location) \(MetadataKey.sourceVocabulary)"),
            targetVocabulary: Vocabulary(fileText: value(MetadataKey.targetVocabulary), location: "\(location) \(MetadataKey.targetVocabulary)"))
    }
}
