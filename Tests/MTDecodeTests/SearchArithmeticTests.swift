import MTDecode
import MTModel
import MTTensor
import Testing

/// The search's count of its arithmetic: the encoder's per source token, then one decoder
/// step per decoded row.
@Suite struct SearchArithmeticTests {
    @Test(arguments: [1, 4])
    func countIsEncoderPlusDecodedRows(beam: Int) {
        let model = BeamSearchTests.model()
        let config = model.config
        // Sources of one length, so every row's step costs the same.
        let sources: [[Int32]] = [[4, 5, 6], [7, 8, 1], [5, 5, 5], [6, 7, 8]]
        let search = BeamSearch(model: model, options: BeamSearchTests.options(beam: beam))
        _ = search.search(sources)
        let encoder = 12 * (config.encoderFLOPsPerToken + config.attentionKeyFLOPsPerSourceToken)
            + 4 * config.bridgeFLOPsPerSentence
        let step = config.decoderStepFLOPs(sourceLength: 3, outputColumns: config.targetVocabularySize)
        #expect(search.decodedRows > 4)
        #expect(abs(search.arithmetic - (encoder + Double(search.decodedRows) * step)) <= 1e-9 * search.arithmetic)
    }
}
