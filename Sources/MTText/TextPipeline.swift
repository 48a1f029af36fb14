import MTCore

/// Which side of a parallel corpus a line belongs to.
public enum Side: String, Sendable, CaseIterable {
    case source, target
}

/// The whole text pipeline of a preprocessed corpus, shared by mt-preprocess,
/// mt-train and mt-translate: normalise -> ICU tokens -> lowercase? -> BPE -> ids,
/// and back. Holds ICU iterators and BPE caches: not thread-safe, use `copy()`
/// to get one per thread.
public final class TextPipeline {
    public let settings: PreprocessSettings
    public let sourceCodes: BPECodes
    public let targetCodes: BPECodes
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary

    private let sourceTokenizer: WordTokenizer
    private let targetTokenizer: WordTokenizer
    private let sourceBPE: BPE
    private let splitter: SentenceSplitter
    private let targetBPE: BPE

    /// Checks that the vocabularies and codes are the ones `settings` records
    /// (an empty hash in the settings is not checked).
    public init(settings: PreprocessSettings, sourceCodes: BPECodes, targetCodes: BPECodes,
                sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) throws {
        for (name, expected, actual) in [
            ("source vocabulary", settings.sourceVocabularyHash, sourceVocabulary.hash),
            ("target vocabulary", settings.targetVocabularyHash, targetVocabulary.hash),
            ("source BPE codes", settings.sourceCodesHash, sourceCodes.hash),
            ("target BPE codes", settings.targetCodesHash, targetCodes.hash),
        ] where !expected.isEmpty && expected != actual {
            throw TextError("\(name) does not match the settings: hash \(actual), expected \(expected)", at: "preprocessing settings")
        }
        self.settings = settings
        self.sourceCodes = sourceCodes
        self.targetCodes = targetCodes
        self.sourceVocabulary = sourceVocabulary
        self.targetVocabulary = targetVocabulary
        sourceTokenizer = try WordTokenizer(lowercase: settings.lowercase, locale: settings.sourceLanguage)
        targetTokenizer = try WordTokenizer(lowercase: settings.lowercase, locale: settings.targetLanguage)
        splitter = try SentenceSplitter(language: settings.sourceLanguage)
        sourceBPE = BPE(codes: sourceCodes)
        targetBPE = sourceCodes == targetCodes ? sourceBPE : BPE(codes: targetCodes)
    }

    /// The stages before the vocabularies exist, for mt-preprocess, which learns
    /// the BPE codes from word tokens and the vocabularies from subwords: its
    /// vocabularies hold only the specials, so `ids` would give <unk> for every token.
    static func beforeVocabularies(settings: PreprocessSettings, sourceCodes: BPECodes = BPECodes(),
                                   targetCodes: BPECodes = BPECodes()) throws -> TextPipeline {
        let specialsOnly = Vocabulary(counts: WordCounts())
        return try TextPipeline(settings: settings, sourceCodes: sourceCodes, targetCodes: targetCodes,
                                sourceVocabulary: specialsOnly, targetVocabulary: specialsOnly)
    }

    /// A fresh pipeline with the same data, for another thread.
    public func copy() -> TextPipeline {
        try! TextPipeline(settings: settings, sourceCodes: sourceCodes, targetCodes: targetCodes,
                          sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary)
    }

    public func vocabulary(_ side: Side) -> Vocabulary { side == .source ? sourceVocabulary : targetVocabulary }

    /// Normalised (and lowercased, if set) line: what `detokenize` returns.
    public func normalize(_ line: String, side: Side = .source) -> String {
        tokenizer(side).normalize(line)
    }

    /// Source text as sentences with what lies between them, the first step of translation:
    /// by `SentenceSplitter` in the source language, or the whole text as one sentence when
    /// the settings say "none" (each line one sentence). With `lineBreaks` false (HTML) a
    /// line break is a space.
    public func sentences(_ text: String, lineBreaks: Bool = true) -> SentenceSegments {
        if settings.splitsSentences { return splitter.split(text, lineBreaks: lineBreaks) }
        return lineBreaks ? SentenceSegments(lines: text) : SentenceSegments(whole: text)
    }

    /// Word tokens, before BPE.
    public func wordTokens(_ line: String, side: Side = .source) -> [Token] {
        tokenizer(side).tokenize(line)
    }

    /// Subword tokens after BPE.
    public func subwords(_ line: String, side: Side = .source) -> [Token] {
        subwords(of: wordTokens(line, side: side), side: side)
    }

    /// Subword tokens of word tokens (what `wordTokens` returns).
    public func subwords(of words: [Token], side: Side) -> [Token] {
        bpe(side).apply(words)
    }

    /// Subword strings in text form (joiner on glued ones), the vocabulary's keys.
    /// `subwordTokens(line)[i]` is the source token at position i of `encodeSource(line)`.
    public func subwordTokens(_ line: String, side: Side = .source) -> [String] {
        subwords(line, side: side).map(\.textForm)
    }

    public func encode(_ line: String, side: Side) -> [Int32] {
        ids(of: subwords(line, side: side), side: side)
    }

    /// Ids of subword tokens (what `subwords` returns).
    public func ids(of subwords: [Token], side: Side) -> [Int32] {
        let v = vocabulary(side)
        return subwords.map { v.id(of: $0.textForm) }
    }

    /// Ids of a source line, without <s> or </s>.
    public func encodeSource(_ line: String) -> [Int32] { encode(line, side: .source) }

    /// Ids of a target line, without <s> or </s>.
    public func encodeTarget(_ line: String) -> [Int32] { encode(line, side: .target) }

    /// Subword text forms of target ids: stops at </s>, skips <pad> and <s>,
    /// keeps <unk> as the string "<unk>".
    public func targetSubwordTokens(_ ids: [Int32]) -> [String] {
        var out: [String] = []
        for id in ids {
            if id == SpecialToken.eos { break }
            if id == SpecialToken.pad || id == SpecialToken.bos { continue }
            guard id >= 0, Int(id) < targetVocabulary.count else { out.append("<unk>"); continue }
            out.append(targetVocabulary.token(at: id))
        }
        return out
    }

    /// The output line for target ids: subwords merged, tokens detokenised.
    public func decodeTarget(_ ids: [Int32]) -> String {
        TextPipeline.detokenize(targetSubwordTokens(ids))
    }

    /// Joins subword/token text forms back into a line (undoes BPE and tokenisation).
    public static func detokenize(_ textForms: [String]) -> String {
        textForms.map { Token(textForm: $0) }.detokenized
    }

    private func tokenizer(_ side: Side) -> WordTokenizer { side == .source ? sourceTokenizer : targetTokenizer }
    private func bpe(_ side: Side) -> BPE { side == .source ? sourceBPE : targetBPE }
}
