import MTDecode
import MTModel
import MTTensor
import Testing

/// Greedy search is beam search at K = 1.
@Suite struct GreedySearchTests {
    static let sources: [[Int32]] = [[4, 5, 6, 7], [8], [5, 5, 1], [], [6, 7]]

    /// Beam search at K = 1, with the given length limit.
    static func greedy(_ model: Seq2Seq<Double>, ratio: Double = 2, constant: Int = 10, attention: Bool = false) -> BeamSearch<Double> {
        var o = BeamSearchTests.options(beam: 1, alpha: 1, ratio: ratio, constant: constant)
        o.keepAttention = attention
        return BeamSearch(model: model, options: o)
    }

    @Test(arguments: RecurrentCellType.allCases)
    func batchedEqualsOneByOne(_ cell: RecurrentCellType) {
        let search = Self.greedy(BeamSearchTests.model(cell), ratio: 1.5, constant: 2)
        let together = search.search(Self.sources).map { $0[0].tokens }
        for (i, s) in Self.sources.enumerated() {
            #expect(search.search([s])[0][0].tokens == together[i], "sentence \(i)")
        }
        #expect(together[3].isEmpty)
    }

    @Test func lengthLimitAndVocabulary() {
        let search = Self.greedy(BeamSearchTests.model(inputFeeding: false), ratio: 0.5, constant: 1)
        let out = search.search(Self.sources).map { $0[0].tokens }
        for (s, y) in zip(Self.sources, out) where !s.isEmpty {
            #expect(y.count <= search.options.maxLength(sourceLength: s.count))
            #expect(y.allSatisfy { $0 >= 0 && $0 < 8 && $0 != 3 })
        }
    }

    @Test func attentionWeightsPerStep() {
        let out = Self.greedy(BeamSearchTests.model(), attention: true).search(Self.sources).map { $0[0] }
        for (i, s) in Self.sources.enumerated() where !s.isEmpty {
            let attention = out[i].attention!
            #expect(attention.count >= out[i].tokens.count)
            #expect(attention.count <= out[i].tokens.count + 1)
            for step in attention {
                #expect(step.count == s.count)
                #expect(abs(step.reduce(0, +) - 1) < 1e-12)
            }
        }
    }

    @Test func batchesKeepInputOrder() {
        let search = Self.greedy(BeamSearchTests.model())
        let expected = Self.sources.map { search.search([$0])[0][0].tokens }
        #expect(search.searchInBatches(Self.sources, batchSize: 2).map { $0[0].tokens } == expected)
    }
}
