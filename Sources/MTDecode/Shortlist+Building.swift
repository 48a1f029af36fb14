import MTCore
import MTText

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
        var tokenCount = [Int](repeating: 0, count: targetVocabularySize)
        var sourcePairs = [Int](repeating: 0, count: sourceVocabularySize)
        var targetPairs = [Int](repeating: 0, count: targetVocabularySize)
        var together = [[Int32: Int32]](repeating: [:], count: sourceVocabularySize)
        var seenSource = [Int](repeating: -1, count: sourceVocabularySize)
        var seenTarget = [Int](repeating: -1, count: targetVocabularySize)
        var sources: [Int32] = [], targets: [Int32] = []
        for i in 0..<corpus.count {
            sources.removeAll(keepingCapacity: true)
            targets.removeAll(keepingCapacity: true)
            for s in corpus.source(i) where s >= 0 && Int(s) < sourceVocabularySize && seenSource[Int(s)] != i {
                seenSource[Int(s)] = i
                sources.append(s)
            }
            for t in corpus.target(i) where t >= 0 && Int(t) < targetVocabularySize && t != SpecialToken.pad && t != SpecialToken.bos {
                tokenCount[Int(t)] += 1
                if seenTarget[Int(t)] != i {
                    seenTarget[Int(t)] = i
                    targets.append(t)
                }
            }
            for s in sources { sourcePairs[Int(s)] += 1 }
            for t in targets { targetPairs[Int(t)] += 1 }
            for s in sources {
                for t in targets { together[Int(s)][t, default: 0] += 1 }
            }
        }
        let byFrequency = (0..<targetVocabularySize).filter { tokenCount[$0] > 0 }
            .sorted { (tokenCount[$0], -$0) > (tokenCount[$1], -$1) }
        let alwaysAllowed = [SpecialToken.unk, SpecialToken.eos].filter { Int($0) < targetVocabularySize }
        let frequentIds = alwaysAllowed + byFrequency.prefix(frequent).map(Int32.init)
        let translations: [[Int32]] = (0..<sourceVocabularySize).map { s in
            let scored = together[s].map { t, c in
                (t, c, 2 * Double(c) / Double(sourcePairs[s] + targetPairs[Int(t)]))
            }
            return scored.sorted { ($0.2, $0.1, -$0.0) > ($1.2, $1.1, -$1.0) }.prefix(perSource).map(\.0)
        }
        return Shortlist(
            sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize,
            frequent: frequentIds, translations: translations)
    }
}
