import MTCore

/// A lexical shortlist (Marian's `--shortlist`): which target subwords a batch may
/// produce. Each search batch scores only the union of the most frequent target subwords
/// and the likeliest translations of every source subword in the batch, instead of the
/// whole vocabulary, so the output layer and its softmax shrink to a few hundred columns.
/// Log-probabilities are then normalised over that union.
public struct Shortlist: Equatable, Sendable {
    public let sourceVocabularySize: Int
    public let targetVocabularySize: Int
    /// Target ids every batch may produce (the special tokens among them), ascending.
    public let frequent: [Int32]
    /// For each source id, its likeliest target ids, best first.
    public let translations: [[Int32]]

    public init(sourceVocabularySize: Int, targetVocabularySize: Int, frequent: [Int32], translations: [[Int32]]) {
        precondition(translations.count == sourceVocabularySize, "one translation list per source id")
        precondition(
            (frequent + translations.joined()).allSatisfy { $0 >= 0 && Int($0) < targetVocabularySize },
            "shortlist ids outside the target vocabulary")
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.frequent = Array(Set(frequent)).sorted()
        self.translations = translations
    }

    /// The target ids a batch with these sources may produce, ascending; `</s>` always.
    public func targets<S: Sequence>(for sources: [S]) -> [Int32] where S.Element == Int32 {
        var allowed = [Bool](repeating: false, count: targetVocabularySize)
        if Int(SpecialToken.eos) < targetVocabularySize { allowed[Int(SpecialToken.eos)] = true }
        for t in frequent { allowed[Int(t)] = true }
        for source in sources {
            for s in source where s >= 0 && Int(s) < sourceVocabularySize {
                for t in translations[Int(s)] { allowed[Int(t)] = true }
            }
        }
        return allowed.indices.filter { allowed[$0] }.map(Int32.init)
    }
}
