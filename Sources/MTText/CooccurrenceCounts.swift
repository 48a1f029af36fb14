import MTCore

/// What a lexical shortlist is chosen by: in a parallel corpus of ids, how often each
/// target id occurs, and in how many sentence pairs each source id, each target id and
/// each (source, target) pair of ids occur. Ids outside the vocabularies are not counted,
/// nor `<pad>` and `<s>` on the target side.
public struct CooccurrenceCounts {
    /// Occurrences of each target id.
    public private(set) var targetTokens: [Int]
    /// For each source id, the sentence pairs whose source holds it.
    public private(set) var sourcePairs: [Int]
    /// For each target id, the sentence pairs whose target holds it.
    public private(set) var targetPairs: [Int]
    /// For each source id, the sentence pairs it shares with each target id.
    public private(set) var together: [[Int32: Int32]]

    public init(_ corpus: EncodedCorpus, sourceVocabularySize: Int, targetVocabularySize: Int) {
        targetTokens = [Int](repeating: 0, count: targetVocabularySize)
        sourcePairs = [Int](repeating: 0, count: sourceVocabularySize)
        targetPairs = [Int](repeating: 0, count: targetVocabularySize)
        together = [[Int32: Int32]](repeating: [:], count: sourceVocabularySize)
        // The pair each id was last seen in, so an id repeated within a pair counts once.
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
                targetTokens[Int(t)] += 1
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
    }

    /// The Dice coefficient 2·c(s,t) / (c(s) + c(t)) of source id `s` and target id `t`,
    /// which share `pairs` sentence pairs.
    public func dice(source s: Int, target t: Int32, pairs: Int32) -> Double {
        2 * Double(pairs) / Double(sourcePairs[s] + targetPairs[Int(t)])
    }
}
