import MTDecode
import MTModel
import MTTensor
import Testing

@Suite struct BeamSearchTests {
    static func model(_ cell: RecurrentCellType = .lstm, inputFeeding: Bool = true, attention: AttentionScore = .general) -> Seq2Seq<Double> {
        var c = Seq2SeqConfig(sourceVocabularySize: 9, targetVocabularySize: 8)
        c.embeddingSize = 5
        c.hiddenSize = 6
        c.encoderLayers = 2
        c.decoderLayers = 2
        c.cell = cell
        c.inputFeeding = inputFeeding
        c.attention = attention
        c.paramInit = 0.8
        return Seq2Seq<Double>(c, rng: SeededRandom(seed: 3))
    }

    /// Many short sources (ids 1 and 4..8) of lengths 0...6, from a fixed seed.
    static let sources: [[Int32]] = {
        let rng = SeededRandom(seed: 11)
        return (0..<40).map { i in
            let n = i == 5 ? 0 : 1 + rng.int(below: 6)
            return (0..<n).map { _ in
                let r = rng.int(below: 6)
                return r == 0 ? 1 : Int32(3 + r)
            }
        }
    }()

    static func options(
        beam: Int, nBest: Int = 1, alpha: Double = 0, ratio: Double = 1.5, constant: Int = 2, earlyStop: Bool = true
    ) -> BeamSearchOptions {
        var o = BeamSearchOptions()
        o.earlyStop = earlyStop
        o.beamSize = beam
        o.nBest = nBest
        o.lengthPenalty = alpha
        o.maxLengthRatio = ratio
        o.maxLengthConstant = constant
        return o
    }

    @Test(arguments: [(RecurrentCellType.lstm, true), (.gru, true), (.rnn, true), (.lstm, false), (.rnn, false)])
    func beamOfOneIsGreedy(_ cell: RecurrentCellType, _ inputFeeding: Bool) {
        let model = Self.model(cell, inputFeeding: inputFeeding)
        let greedy = GreedyOracle(model: model, maxLengthRatio: 1.5, maxLengthConstant: 2).decode(Self.sources)
        for alpha in [0.0, 1.0] {
            let beam = BeamSearch(model: model, options: Self.options(beam: 1, alpha: alpha)).search(Self.sources)
            #expect(beam.map { $0[0].tokens } == greedy)
        }
    }

    @Test(arguments: [AttentionScore.general, .dot, .mlp], [true, false])
    func bestBeamScoresAtLeastGreedy(_ attention: AttentionScore, _ earlyStop: Bool) {
        let model = Self.model(attention: attention)
        let greedy = BeamSearch(model: model, options: Self.options(beam: 1)).search(Self.sources)
        for k in [2, 5] {
            let beam = BeamSearch(model: model, options: Self.options(beam: k, earlyStop: earlyStop)).search(Self.sources)
            for (g, b) in zip(greedy, beam) {
                #expect(b[0].logProbability >= g[0].logProbability - 1e-9)
            }
        }
    }

    /// Searching on past K finished hypotheses only adds candidates, so it never ends with
    /// a worse best; early stopping saves decoder rows when α > 0 lets longer outputs win.
    @Test(arguments: [0.0, 1.0])
    func earlyStopSavesRowsAndNeverBeatsExhaustive(_ alpha: Double) {
        let model = Self.model()
        model.generator.bias.value.data[3] += 2   // make </s> likely, so hypotheses finish before the limit
        let early = BeamSearch(model: model, options: Self.options(beam: 4, alpha: alpha, ratio: 3, constant: 4))
        let exhaustive = BeamSearch(
            model: model, options: Self.options(beam: 4, alpha: alpha, ratio: 3, constant: 4, earlyStop: false))
        let e = early.search(Self.sources), x = exhaustive.search(Self.sources)
        for (a, b) in zip(e, x) { #expect(b[0].score >= a[0].score - 1e-12) }
        #expect(early.decodedRows <= exhaustive.decodedRows)
        if alpha > 0 { #expect(early.decodedRows < exhaustive.decodedRows) }
    }

    /// Looking up the embedding's share of the first decoder layer's input projection gives
    /// the search of multiplying it, for every cell, with and without input feeding.
    @Test(arguments: [(RecurrentCellType.lstm, true), (.gru, true), (.rnn, true), (.lstm, false), (.rnn, false)])
    func targetInputTableChangesNothing(_ cell: RecurrentCellType, _ inputFeeding: Bool) {
        let model = Self.model(cell, inputFeeding: inputFeeding)
        let options = Self.options(beam: 3, nBest: 3, alpha: 1)
        let multiplied = BeamSearch(model: model, options: options).search(Self.sources)
        model.prepareTargetInputTable()
        let looked = BeamSearch(model: model.replica(), options: options).search(Self.sources)
        #expect(looked.map { $0.map(\.tokens) } == multiplied.map { $0.map(\.tokens) })
        for (a, b) in zip(looked.joined(), multiplied.joined()) { #expect(abs(a.score - b.score) < 1e-12) }
    }

    @Test(arguments: RecurrentCellType.allCases)
    func batchedEqualsOneByOne(_ cell: RecurrentCellType) {
        let search = BeamSearch(model: Self.model(cell), options: Self.options(beam: 4, nBest: 3, alpha: 0.6))
        let together = search.search(Self.sources)
        let inBatches = search.searchInBatches(Self.sources, batchSize: 7)
        for (i, s) in Self.sources.enumerated() {
            let alone = search.search([s])[0]
            #expect(alone.map(\.tokens) == together[i].map(\.tokens), "sentence \(i)")
            #expect(inBatches[i].map(\.tokens) == together[i].map(\.tokens), "sentence \(i)")
            for (a, b) in zip(alone, together[i]) { #expect(abs(a.score - b.score) < 1e-9) }
        }
    }

    /// Each input is reported once, with its final list, as soon as it is done.
    @Test(arguments: [1, 4])
    func finishedReportsEachInputOnceWithItsList(_ beam: Int) {
        let search = BeamSearch(model: Self.model(), options: Self.options(beam: beam, nBest: min(2, beam), alpha: 0.6))
        var reports: [(index: Int, list: [Hypothesis])] = []
        let lists = search.search(Self.sources) { i, list in reports.append((i, list)) }
        #expect(reports.map(\.index).sorted() == Array(Self.sources.indices))
        for r in reports {
            #expect(r.list.map(\.tokens) == lists[r.index].map(\.tokens))
            #expect(r.list.map(\.score) == lists[r.index].map(\.score))
        }
        #expect(reports[0].index == 5, "the empty source is done before the search starts")
        if beam == 1 {
            // Greedy: a sentence is done at the step its hypothesis ends, so the reports
            // come in order of length, each as its step ends, not all at the batch's end.
            let lengths = reports.dropFirst().map { lists[$0.index][0].length }
            #expect(lengths == lengths.sorted())
            #expect(lengths.first! < lengths.last!)
        }
    }

    @Test func lengthCapHolds() {
        for (ratio, constant) in [(0.5, 1), (0.0, 1), (1.0, 0), (2.0, 3)] {
            let o = Self.options(beam: 3, nBest: 3, ratio: ratio, constant: constant)
            let out = BeamSearch(model: Self.model(inputFeeding: false), options: o).search(Self.sources)
            for (s, list) in zip(Self.sources, out) where !s.isEmpty {
                for h in list {
                    #expect(h.tokens.count <= o.maxLength(sourceLength: s.count))
                    #expect(h.tokens.allSatisfy { $0 >= 0 && $0 < 8 && $0 != 3 })
                    #expect(h.length == h.tokens.count + (h.endedWithEOS ? 1 : 0))
                }
            }
        }
    }

    @Test(arguments: [0.0, 1.0], [true, false])
    func nBestListsAreSortedAndDistinct(_ alpha: Double, _ earlyStop: Bool) {
        let o = Self.options(beam: 5, nBest: 5, alpha: alpha, earlyStop: earlyStop)
        let out = BeamSearch(model: Self.model(), options: o).search(Self.sources)
        for (s, list) in zip(Self.sources, out) {
            if s.isEmpty {
                #expect(list == [Hypothesis.empty])
                continue
            }
            #expect(list.count == 5)
            #expect(Set(list.map(\.tokens)).count == list.count)
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.score >= $1.score })
            for h in list {
                #expect(abs(h.score - h.logProbability / o.lengthNormalizer(h.length)) < 1e-12)
                #expect(h.logProbability <= 0)
            }
        }
    }

    @Test func attentionAndAlignmentPerStep() {
        var o = Self.options(beam: 3, nBest: 2)
        o.keepAttention = true
        o.keepAlignment = true
        let out = BeamSearch(model: Self.model(), options: o).search(Self.sources)
        for (s, list) in zip(Self.sources, out) where !s.isEmpty {
            for h in list {
                #expect(h.attention!.count == h.length)
                #expect(h.alignment!.count == h.tokens.count)
                for (t, row) in h.attention!.enumerated() {
                    #expect(row.count == s.count)
                    #expect(abs(row.reduce(0, +) - 1) < 1e-12)
                    if t < h.tokens.count { #expect(row[h.alignment![t]] == row.max()!) }
                }
            }
        }
        // Keeping attention does not change the search.
        let plain = BeamSearch(model: Self.model(), options: Self.options(beam: 3, nBest: 2)).search(Self.sources)
        #expect(plain.map { $0.map(\.tokens) } == out.map { $0.map(\.tokens) })
    }
}
