import MTDecode
import MTModel
import MTTensor
import Testing

@Suite struct GreedyDecoderTests {
    static func model(_ cell: RecurrentCellType = .lstm, inputFeeding: Bool = true) -> Seq2Seq<Double> {
        var c = Seq2SeqConfig(sourceVocabularySize: 9, targetVocabularySize: 8)
        c.embeddingSize = 5
        c.hiddenSize = 6
        c.encoderLayers = 2
        c.decoderLayers = 2
        c.cell = cell
        c.inputFeeding = inputFeeding
        c.paramInit = 0.8
        return Seq2Seq<Double>(c, rng: SeededRandom(seed: 3))
    }

    static let sources: [[Int32]] = [[4, 5, 6, 7], [8], [5, 5, 1], [], [6, 7]]

    @Test(arguments: RecurrentCellType.allCases)
    func batchedEqualsOneByOne(_ cell: RecurrentCellType) {
        let decoder = GreedyDecoder(model: Self.model(cell), maxLengthRatio: 1.5, maxLengthConstant: 2)
        let together = decoder.decode(Self.sources).tokens
        for (i, s) in Self.sources.enumerated() {
            #expect(decoder.decode([s]).tokens[0] == together[i], "sentence \(i)")
        }
        #expect(together[3].isEmpty)
    }

    @Test func lengthLimitAndVocabulary() {
        let decoder = GreedyDecoder(model: Self.model(inputFeeding: false), maxLengthRatio: 0.5, maxLengthConstant: 1)
        let out = decoder.decode(Self.sources).tokens
        for (s, y) in zip(Self.sources, out) where !s.isEmpty {
            #expect(y.count <= decoder.maxLength(sourceLength: s.count))
            #expect(y.allSatisfy { $0 >= 0 && $0 < 8 && $0 != 3 })
        }
    }

    @Test func attentionWeightsPerStep() {
        let decoder = GreedyDecoder(model: Self.model())
        let out = decoder.decode(Self.sources, keepAttention: true)
        let attention = out.attention!
        for (i, s) in Self.sources.enumerated() {
            #expect(attention[i].count >= out.tokens[i].count)
            #expect(attention[i].count <= out.tokens[i].count + 1)
            for step in attention[i] {
                #expect(step.count == s.count)
                #expect(abs(step.reduce(0, +) - 1) < 1e-12)
            }
        }
    }

    @Test func batchesKeepInputOrder() {
        let model = Self.model()
        let decoder = GreedyDecoder(model: model)
        let expected = Self.sources.map { decoder.decode([$0]).tokens[0] }
        #expect(decoder.decodeInBatches(Self.sources, batchSize: 2) == expected)
    }
}
