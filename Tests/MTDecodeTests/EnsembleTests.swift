import MTCore
import MTDecode
import MTModel
import MTTensor
import MTText
import Testing

@Suite struct EnsembleTests {
    /// The beam-search tests' model, from another seed.
    static func model(seed: UInt64) -> Seq2Seq<Double> {
        Seq2Seq<Double>(BeamSearchTests.model().config, rng: SeededRandom(seed: seed))
    }

    @Test func ensembleOfOneIsTheModel() {
        let o = BeamSearchTests.options(beam: 3, nBest: 3, alpha: 1)
        let alone = BeamSearch(model: Self.model(seed: 3), options: o).search(BeamSearchTests.sources)
        let ensemble = BeamSearch(models: [Self.model(seed: 3)], options: o).search(BeamSearchTests.sources)
        #expect(ensemble == alone)
    }

    /// The mean of equal log-probabilities is each of them exactly, and the ensemble's top-k
    /// breaks ties as the one model's does: the same hypotheses with the same scores.
    @Test(arguments: [(1, 1, 0.0), (3, 3, 1.0), (5, 2, 0.6)])
    func twoEqualModelsSearchAsOne(_ beam: Int, _ nBest: Int, _ alpha: Double) {
        let o = BeamSearchTests.options(beam: beam, nBest: nBest, alpha: alpha)
        let alone = BeamSearch(model: Self.model(seed: 3), options: o).search(BeamSearchTests.sources)
        let ensemble = BeamSearch(models: [Self.model(seed: 3), Self.model(seed: 3)], options: o)
            .search(BeamSearchTests.sources)
        #expect(ensemble == alone)
    }

    @Test func twoEqualModelsSearchAsOneWithAShortlistAndWorkers() {
        let shortlist = Shortlist(
            sourceVocabularySize: 9, targetVocabularySize: 8, frequent: [SpecialToken.unk, SpecialToken.eos, 4],
            translations: (0..<9).map { [Int32(4 + $0 % 4)] })
        var o = BeamSearchTests.options(beam: 2, nBest: 2, alpha: 1)
        o.shortlist = shortlist
        let alone = BeamSearch(model: Self.model(seed: 3), options: o).searchInBatches(BeamSearchTests.sources, batchSize: 3)
        let ensemble = SearchWorkers(models: [Self.model(seed: 3), Self.model(seed: 3)], options: o, workers: 3)
            .searchInBatches(BeamSearchTests.sources, batchSize: 3)
        #expect(ensemble == alone)
    }

    /// Each step's log-probability is the mean of the models': forced along the ensemble's
    /// output, each model scores it, and the mean of their scores is the ensemble's.
    @Test func ensembleScoresAreTheMeanOfTheModels() {
        let a = Self.model(seed: 3), b = Self.model(seed: 5)
        let o = BeamSearchTests.options(beam: 3, nBest: 1)
        let ensemble = BeamSearch(models: [a, b], options: o).search(BeamSearchTests.sources)
        let aloneA = BeamSearch(model: Self.model(seed: 3), options: o).search(BeamSearchTests.sources)
        #expect(ensemble.map { $0[0].tokens } != aloneA.map { $0[0].tokens })
        let forced = zip(BeamSearchTests.sources, ensemble).map { source, list in
            SearchInput(sources: [source], prefix: list[0].tokens + (list[0].endedWithEOS ? [SpecialToken.eos] : []))
        }
        let scoring = BeamSearchTests.options(beam: 1)
        let scoresA = BeamSearch(model: Self.model(seed: 3), options: scoring).search(forced)
        let scoresB = BeamSearch(model: Self.model(seed: 5), options: scoring).search(forced)
        for (i, list) in ensemble.enumerated() where !BeamSearchTests.sources[i].isEmpty {
            #expect(scoresA[i][0].tokens == list[0].tokens && scoresB[i][0].tokens == list[0].tokens)
            let mean = (scoresA[i][0].logProbability + scoresB[i][0].logProbability) / 2
            #expect(abs(list[0].logProbability - mean) < 1e-9, "sentence \(i)")
        }
    }
}
