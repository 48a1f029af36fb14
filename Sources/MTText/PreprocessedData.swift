import Foundation

/// A directory written by mt-preprocess, and how to load it.
///
/// Contents: `settings.json`, `train.bin` and `valid.bin` (EncodedCorpus;
/// `valid.bin` only with validation data), `source.bpe` and `target.bpe`
/// (BPECodes; the same text when BPE is joint), `valid.source.txt` and
/// `valid.target.txt` (the raw validation lines, byte for byte: BLEU references).
/// The vocabularies `source.vocab` and `target.vocab` live in the settings'
/// `vocabularyDirectory` (vocab/ by default).
public struct PreprocessedData {
    public enum FileName {
        public static let settings = "settings.json"
        public static let train = "train.bin"
        public static let valid = "valid.bin"
        public static let sourceCodes = "source.bpe"
        public static let targetCodes = "target.bpe"
        public static let validSourceText = "valid.source.txt"
        public static let validTargetText = "valid.target.txt"
        public static let sourceVocabulary = "source.vocab"
        public static let targetVocabulary = "target.vocab"
    }

    public let directory: String
    public let vocabularyDirectory: String
    public let settings: PreprocessSettings
    public let sourceCodes: BPECodes
    public let targetCodes: BPECodes
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary

    /// Loads settings, codes and vocabularies, and checks the vocabularies'
    /// hashes against the settings. `vocabularyDirectory` overrides the one recorded.
    public init(directory: String, vocabularyDirectory: String? = nil) throws {
        self.directory = directory
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw TextError("no such preprocessed data directory", at: directory)
        }
        let settingsPath = PreprocessedData.path(directory, FileName.settings)
        guard FileManager.default.fileExists(atPath: settingsPath) else {
            throw TextError(
                "no \(FileName.settings): not a directory written by mt-preprocess, or one whose rewriting was interrupted (run mt-preprocess again)",
                at: directory)
        }
        settings = try PreprocessSettings(jsonString: readText(settingsPath), location: settingsPath)
        let vocabDir = vocabularyDirectory ?? settings.vocabularyDirectory
        self.vocabularyDirectory = vocabDir
        let codesPaths = (PreprocessedData.path(directory, FileName.sourceCodes), PreprocessedData.path(directory, FileName.targetCodes))
        sourceCodes = try BPECodes(text: readText(codesPaths.0), location: codesPaths.0)
        targetCodes = try BPECodes(text: readText(codesPaths.1), location: codesPaths.1)
        let vocabPaths = (PreprocessedData.path(vocabDir, FileName.sourceVocabulary), PreprocessedData.path(vocabDir, FileName.targetVocabulary))
        sourceVocabulary = try Vocabulary(fileText: readText(vocabPaths.0), location: vocabPaths.0)
        targetVocabulary = try Vocabulary(fileText: readText(vocabPaths.1), location: vocabPaths.1)
        for (path, expected, actual) in [(vocabPaths.0, settings.sourceVocabularyHash, sourceVocabulary.hash),
                                         (vocabPaths.1, settings.targetVocabularyHash, targetVocabulary.hash),
                                         (codesPaths.0, settings.sourceCodesHash, sourceCodes.hash),
                                         (codesPaths.1, settings.targetCodesHash, targetCodes.hash)] where expected != actual {
            throw TextError("hash \(actual) does not match \(expected) recorded in \(FileName.settings): this file belongs to another preprocessing run", at: path)
        }
    }

    public func makePipeline() throws -> TextPipeline {
        try TextPipeline(settings: settings, sourceCodes: sourceCodes, targetCodes: targetCodes,
                         sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
    }

    public var trainPath: String { PreprocessedData.path(directory, FileName.train) }
    public var validPath: String { PreprocessedData.path(directory, FileName.valid) }
    public var hasValidation: Bool { settings.validSource != nil }

    public func loadTrain() throws -> EncodedCorpus { try loadChecked(trainPath) }

    /// nil when the run had no validation data.
    public func loadValid() throws -> EncodedCorpus? { hasValidation ? try loadChecked(validPath) : nil }

    /// The raw validation target lines (BLEU references), read with `LineReader`.
    public func validReferences() throws -> [String] {
        try LineReader.lines(of: PreprocessedData.path(directory, FileName.validTargetText))
    }

    /// The raw validation source lines.
    public func validSources() throws -> [String] {
        try LineReader.lines(of: PreprocessedData.path(directory, FileName.validSourceText))
    }

    private func loadChecked(_ path: String) throws -> EncodedCorpus {
        let corpus = try EncodedCorpus.load(path: path)
        try corpus.validate(sourceSize: sourceVocabulary.count, targetSize: targetVocabulary.count, location: path)
        return corpus
    }

    static func path(_ dir: String, _ name: String) -> String {
        dir.isEmpty ? name : (dir.hasSuffix("/") ? dir + name : dir + "/" + name)
    }
}

/// Reads a whole file as UTF-8 text, with file-named errors.
func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TextError(FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file", at: path)
    }
    guard let text = String(validating: data, as: UTF8.self) else { throw TextError("invalid UTF-8", at: path) }
    return text
}
