import MTCore
import MTDecode
import MTModel
import MTTensor
import MTText
import Testing

@Suite struct ForcedDecodingTests {
    /// The search's own hypothesis, forced, gets the search's log-probability: the sum of
    /// the same per-step log-probabilities (length penalty off, so the score is that sum).
    @Test(arguments: [RecurrentCellType.lstm, .gru], [0.0, 1.0])
    func forcedScoreOfASearchHypothesisIsItsSearchScore(_ cell: RecurrentCellType, _ alpha: Double) {
        let model = BeamSearchTests.model(cell)
        var o = BeamSearchTests.options(beam: 4, nBest: 4, alpha: alpha)
        o.keepTokenScores = true
        let searched = BeamSearch(model: model, options: o).search(BeamSearchTests.sources)
        var scoring = BeamSearchTests.options(beam: 1)
        scoring.keepTokenScores = true
        let forcer = BeamSearch(model: BeamSearchTests.model(cell), options: scoring)
        var cut = 0
        for (source, list) in zip(BeamSearchTests.sources, searched) where !source.isEmpty {
            let inputs = list.map { SearchInput(sources: [source], prefix: $0.tokens + ($0.endedWithEOS ? [SpecialToken.eos] : [])) }
            for (h, forced) in zip(list, forcer.search(inputs)) {
                let f = forced[0]
                #expect(f.tokens == h.tokens && f.endedWithEOS == h.endedWithEOS && f.length == h.length)
                #expect(abs(f.logProbability - h.logProbability) < 1e-10)
                #expect(abs(f.tokenLogProbabilities!.reduce(0, +) - h.logProbability) < 1e-10)
                #expect(f.tokenLogProbabilities!.count == h.length)
                for (x, y) in zip(f.tokenLogProbabilities!, h.tokenLogProbabilities!) { #expect(abs(x - y) < 1e-10) }
                if !h.endedWithEOS { cut += 1 }
            }
        }
        #expect(cut > 0)   // hypotheses cut at the length limit are covered too
    }

    /// A forced target that the model would not choose still gets the sum of its steps.
    @Test func forcedScoreIsTheSumOfTheTokenScores() {
        var o = BeamSearchTests.options(beam: 1)
        o.keepTokenScores = true
        let target: [Int32] = [5, 5, 7, 1, SpecialToken.eos]
        let f = BeamSearch(model: BeamSearchTests.model(), options: o).search([SearchInput(sources: [[4, 5]], prefix: target)])[0][0]
        #expect(f.tokens == Array(target.dropLast()) && f.endedWithEOS)
        #expect(f.tokenLogProbabilities!.count == 5 && f.tokenLogProbabilities!.allSatisfy { $0 < 0 })
        #expect(abs(f.tokenLogProbabilities!.reduce(0, +) - f.logProbability) < 1e-12)
    }

    @Test(arguments: [1, 4], [false, true])
    func aPrefixIsAlwaysTheStartOfTheOutput(_ beam: Int, _ withShortlist: Bool) {
        let rng = SeededRandom(seed: 21)
        let inputs = BeamSearchTests.sources.enumerated().map { i, source in
            // Lengths 0...4, and one longer than the length limit.
            let n = i == 7 ? 12 : rng.int(below: 5)
            return SearchInput(sources: [source], prefix: (0..<n).map { _ in Int32(4 + rng.int(below: 4)) })
        }
        var o = BeamSearchTests.options(beam: beam, nBest: beam)
        if withShortlist {
            o.shortlist = Shortlist(
                sourceVocabularySize: 9, targetVocabularySize: 8, frequent: [SpecialToken.unk, SpecialToken.eos],
                translations: (0..<9).map { [Int32(4 + $0 % 2)] })
        }
        let out = BeamSearch(model: BeamSearchTests.model(), options: o).search(inputs)
        var continued = 0
        for (input, list) in zip(inputs, out) where !input.sources[0].isEmpty {
            #expect(list.count == beam || input.prefix.count >= o.maxLength(sourceLength: input.sources[0].count))
            for h in list {
                #expect(Array(h.tokens.prefix(input.prefix.count)) == input.prefix)
                if h.tokens.count > input.prefix.count { continued += 1 }
            }
        }
        #expect(continued > 0)
        // Without prefixes the search is the one it always was.
        let free = BeamSearch(model: BeamSearchTests.model(), options: o)
        #expect(free.search(inputs.map { SearchInput(sources: $0.sources) }) == free.search(BeamSearchTests.sources))
    }
}
