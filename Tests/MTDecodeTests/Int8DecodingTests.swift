import MTCore
import MTDecode
import MTModel
import MTTensor
import MTText
import Testing

/// Decoding with int8 products: close to the float search, not equal to it, and the same
/// across worker replicas.
@Suite struct Int8DecodingTests {
    static func model(_ cell: RecurrentCellType, inputFeeding: Bool) -> Seq2Seq<Float> {
        var c = Seq2SeqConfig(sourceVocabularySize: 30, targetVocabularySize: 40)
        c.embeddingSize = 16
        c.hiddenSize = 32
        c.encoderLayers = 1
        c.decoderLayers = 2
        c.cell = cell
        c.inputFeeding = inputFeeding
        c.paramInit = 0.3
        return Seq2Seq<Float>(c, rng: SeededRandom(seed: 5))
    }

    static let sources: [[Int32]] = {
        let rng = SeededRandom(seed: 13)
        return (0..<30).map { _ in (0..<(1 + rng.int(below: 9))).map { _ in Int32(4 + rng.int(below: 26)) } }
    }()

    /// The float search's hypotheses, forced through the int8 decoder, score within a small
    /// margin of their float log-probability per step (and not exactly it).
    @Test(arguments: [(RecurrentCellType.lstm, true), (.gru, true), (.rnn, false), (.lstm, false)], [false, true])
    func forcedScoresAreCloseToFloat(_ setting: (RecurrentCellType, Bool), _ table: Bool) {
        let float = Self.model(setting.0, inputFeeding: setting.1)
        let int8 = Self.model(setting.0, inputFeeding: setting.1)
        if table {
            float.prepareTargetInputTable()
            int8.prepareTargetInputTable()
        }
        int8.quantise()
        #expect(int8.int8Weights != nil && float.int8Weights == nil)
        let searched = BeamSearch(model: float, options: BeamSearchTests.options(beam: 3, constant: 4)).search(Self.sources)
        let inputs = zip(Self.sources, searched).map { source, list in
            SearchInput(sources: [source], prefix: list[0].tokens + (list[0].endedWithEOS ? [SpecialToken.eos] : []))
        }
        let forced = BeamSearch(model: int8, options: BeamSearchTests.options(beam: 1, constant: 4)).search(inputs)
        var total = 0.0
        for (h, f) in zip(searched.map { $0[0] }, forced.map { $0[0] }) {
            #expect(f.tokens == h.tokens)
            let difference = abs(f.logProbability - h.logProbability)
            #expect(difference <= 0.02 * Double(h.length), "\(h.tokens): \(f.logProbability) against \(h.logProbability)")
            total += difference
        }
        #expect(total > 0)
    }

    /// The encoder multiplies in int8 too (every direction of a 2-layer bidirectional one): its
    /// outputs differ from the float encoder's, by a small fraction of their scale.
    @Test(arguments: [RecurrentCellType.lstm, .gru, .rnn])
    func encoderOutputsAreCloseToFloat(_ cell: RecurrentCellType) {
        var c = Seq2SeqConfig(sourceVocabularySize: 30, targetVocabularySize: 40)
        (c.embeddingSize, c.hiddenSize, c.encoderLayers, c.cell, c.paramInit) = (16, 32, 2, cell, 0.3)
        let float = Seq2Seq<Float>(c, rng: SeededRandom(seed: 5)), int8 = Seq2Seq<Float>(c, rng: SeededRandom(seed: 5))
        int8.quantise()
        let sources = Array(Self.sources.prefix(6)), steps = sources.map(\.count).max()!
        for m in [float, int8] {
            m.encode(source: Padding.timeMajor(sources, steps: steps), sourceLengths: sources.map { Int32($0.count) },
                     training: false, backward: false)
        }
        let x = float.encoder.output, y = int8.encoder.output
        #expect(x.shape == y.shape)
        var largest: Float = 0, difference: Float = 0
        for i in 0..<x.count {
            largest = max(largest, abs(x.data[i]))
            difference = max(difference, abs(x.data[i] - y.data[i]))
        }
        #expect(difference > 0 && difference < 0.05 * largest, "largest \(largest), difference \(difference)")
    }

    /// An int8 search with a shortlist of the whole vocabulary (its rows of the quantised output
    /// layer, biases from the float one) gives the int8 search's hypotheses; a short one keeps
    /// the outputs to its tokens.
    @Test func shortlistTakesRowsOfTheQuantisedLayer() {
        let model = Self.model(.lstm, inputFeeding: true)
        SeededRandom(seed: 21).fillUniform(model.generator.bias.value, -1, 1)   // biases that matter
        model.prepareTargetInputTable()
        model.quantise()
        var options = BeamSearchTests.options(beam: 3, constant: 4)
        ShortlistTests.expectWholeVocabularyChangesNothing(model, options, Self.sources, tolerance: 1e-6)
        let allowed: [Int32] = [SpecialToken.eos, 5, 9, 17, 30]
        options.shortlist = Shortlist(
            sourceVocabularySize: 30, targetVocabularySize: 40, frequent: allowed,
            translations: Array(repeating: [], count: 30))
        for list in BeamSearch(model: model, options: options).search(Self.sources) {
            #expect(list[0].tokens.allSatisfy(allowed.contains), "\(list[0].tokens)")
        }
    }

    /// Beam int8 outputs mostly match the float ones, and where they differ (a random model's
    /// near ties), the float model scores the int8 output about as high as its own; a second
    /// worker (a replica, sharing the quantised weights) gives the same as the first.
    @Test func searchAgreesAndReplicasShareIt() {
        let float = Self.model(.lstm, inputFeeding: true), int8 = Self.model(.lstm, inputFeeding: true)
        for m in [float, int8] { m.prepareTargetInputTable() }
        int8.quantise()
        let options = BeamSearchTests.options(beam: 4, constant: 4)
        let expected = BeamSearch(model: float, options: options).search(Self.sources).map { $0[0] }
        let got = BeamSearch(model: int8, options: options).search(Self.sources).map { $0[0] }
        let differing = Self.sources.indices.filter { expected[$0].tokens != got[$0].tokens }
        #expect(differing.count * 2 <= Self.sources.count, "\(differing.count) of \(Self.sources.count) differ")
        let rescored = BeamSearch(model: Self.model(.lstm, inputFeeding: true), options: BeamSearchTests.options(beam: 1, constant: 4))
            .search(differing.map { SearchInput(sources: [Self.sources[$0]], prefix: got[$0].tokens + (got[$0].endedWithEOS ? [SpecialToken.eos] : [])) })
        for (i, r) in zip(differing, rescored) {
            #expect(r[0].logProbability >= expected[i].logProbability - 0.02 * Double(expected[i].length),
                    "sentence \(i): float scores the int8 output \(r[0].logProbability), its own \(expected[i].logProbability)")
        }
        let replica = int8.replica()
        #expect(replica.int8Weights != nil)
        #expect(BeamSearch(model: replica, options: options).search(Self.sources).map { $0[0].tokens } == got.map(\.tokens))
    }
}
