import MTCore

extension Shortlist {
    /// Builds a shortlist from a parallel corpus of ids (no `<s>`/`</s>`): the `frequent`
    /// most frequent target ids plus `<unk>` and `</s>`, and for each source id the
    /// `perSource` target ids most associated with it by the Dice coefficient
    /// 2·c(s,t) / (c(s) + c(t)), c counting sentence pairs. Dice rather than raw counts, so
    /// frequent target subwords (already in the frequent list) do not crowd out the
    /// translations. Ties go to more co-occurrences, then the lower id.
    public static func build(
        from corpus: EncodedCorpus, sourceVocabularySize: Int, targetVocabularySize: Int,
        frequent: Int = 100, perSource: Int = 25
    ) -> Shortlist {
        precondition(frequent >= 0 && perSource >= 0)
        let counts = CooccurrenceCounts(
            corpus, sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize)
        let tokenCount = counts.targetTokens
        let byFrequency = (0..<targetVocabularySize).filter { tokenCount[$0] > 0 }
            .sorted { (tokenCount[$0], -$0) > (tokenCount[$1], -$1) }
        let alwaysAllowed = [SpecialToken.unk, SpecialToken.eos].filter { Int($0) < targetVocabularySize }
        let frequentIds = alwaysAllowed + byFrequency.prefix(frequent).map(Int32.init)
        let translations: [[Int32]] = (0..<sourceVocabularySize).map { s in
            let scored = counts.together[s].map { t, c in (t, c, counts.dice(source: s, target: t, pairs: c)) }
            return scored.sorted { ($0.2, $0.1, -$0.0) > ($1.2, $1.1, -$1.0) }.prefix(perSource).map(\.0)
        }
        return Shortlist(
            sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
            frequent: frequentIds, translations: translations)
    }
}
