import MTCore
import MTText
import Testing

@Suite struct CooccurrenceCountsTests {
    @Test func countsSentencePairsOnceAndTokensEachTime() {
        var corpus = EncodedCorpus()
        corpus.append(source: [4, 4, 5], target: [6, 6, SpecialToken.eos])
        corpus.append(source: [4, 9], target: [SpecialToken.pad, SpecialToken.bos, 7, 6])
        corpus.append(source: [], target: [7])
        // Source id 9 and target ids past 8 are outside the vocabularies.
        let c = CooccurrenceCounts(corpus, sourceVocabularySize: 6, targetVocabularySize: 8)
        #expect(c.targetTokens == [0, 0, 0, 1, 0, 0, 3, 2])
        #expect(c.sourcePairs == [0, 0, 0, 0, 2, 1])
        #expect(c.targetPairs == [0, 0, 0, 1, 0, 0, 2, 2])
        #expect(c.together[4] == [6: 2, SpecialToken.eos: 1, 7: 1])
        #expect(c.together[5] == [6: 1, SpecialToken.eos: 1])
        #expect(c.together[0].isEmpty)
        // 2·c(s,t) / (c(s) + c(t)): source 4 and target 6 share both of their pairs.
        #expect(c.dice(source: 4, target: 6, pairs: 2) == 1)
        #expect(c.dice(source: 5, target: 7, pairs: 0) == 0)
        #expect(c.dice(source: 4, target: 7, pairs: 1) == 0.5)
    }
}
