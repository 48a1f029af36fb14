import MTDecode
import MTModel
import MTTensor
import Testing

/// `fixWeights()` packs each product once: searches batch after batch, on the model and its
/// replicas, give the same bits as a model that packs for every batch.
@Suite struct FixedWeightsTests {
    static func model(_ cell: RecurrentCellType) -> Seq2Seq<Float> {
        var c = Seq2SeqConfig(sourceVocabularySize: 9, targetVocabularySize: 40)
        c.embeddingSize = 5
        c.hiddenSize = 38
        c.encoderLayers = 2
        c.decoderLayers = 2
        c.cell = cell
        c.paramInit = 0.8
        return Seq2Seq<Float>(c, rng: SeededRandom(seed: 3))
    }

    @Test(arguments: RecurrentCellType.allCases)
    func fixedSearchesEqualPackingEveryBatch(_ cell: RecurrentCellType) {
        var options = BeamSearchOptions()
        options.beamSize = 3
        options.nBest = 2
        let sources = BeamSearchTests.sources
        let packingEveryBatch = BeamSearch(model: Self.model(cell), options: options).searchInBatches(sources, batchSize: 7)
        let fixed = Self.model(cell)
        fixed.fixWeights()
        #expect(fixed.replica().weightsFixed)
        for search in [BeamSearch(model: fixed, options: options), BeamSearch(model: fixed.replica(), options: options)] {
            let kept = search.searchInBatches(sources, batchSize: 7)
            #expect(kept.map { $0.map(\.tokens) } == packingEveryBatch.map { $0.map(\.tokens) })
            #expect(kept.map { $0.map(\.score) } == packingEveryBatch.map { $0.map(\.score) })
        }
    }
}
