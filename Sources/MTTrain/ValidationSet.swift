import MTText

/// Held-out data for validation: encoded pairs for perplexity, and the raw reference
/// lines with a way to turn decoded ids into text for BLEU.
public struct ValidationSet {
    public let corpus: any ParallelCorpus
    /// Raw reference lines, one per pair (the BLEU references, untokenised).
    public let references: [String]
    /// Target ids (without `</s>`) to a detokenised line, comparable with `references`.
    public let decodeTarget: ([Int32]) -> String
    /// The language of the references ("" when unknown): it chooses BLEU's tokeniser.
    public let targetLanguage: String

    public init(corpus: any ParallelCorpus, references: [String], targetLanguage: String = "",
                decodeTarget: @escaping ([Int32]) -> String) throws {
        guard corpus.pairCount == references.count else {
            throw TrainingError(
                "the validation set has \(corpus.pairCount) encoded pairs but \(references.count) reference lines")
        }
        self.corpus = corpus
        self.references = references
        self.decodeTarget = decodeTarget
        self.targetLanguage = targetLanguage
    }

    /// The validation data of a preprocessed directory, or nil when it has none.
    public static func load(_ data: PreprocessedData, pipeline: TextPipeline) throws -> ValidationSet? {
        guard let corpus = try data.loadValid() else { return nil }
        let references = try data.validReferences()
        do {
            return try ValidationSet(corpus: corpus, references: references,
                                     targetLanguage: pipeline.settings.targetLanguage, decodeTarget: pipeline.decodeTarget)
        } catch let e as TrainingError {
            throw TrainingError(e.message, at: data.directory)
        }
    }
}
