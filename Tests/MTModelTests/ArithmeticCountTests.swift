import MTTensor
import Testing
@testable import MTModel

/// The counted arithmetic against a hand count, and against the model's own weights: every
/// weight matrix used once per token costs two operations per element.
@Suite struct ArithmeticCountTests {
    @Test func smallModelMatchesHandCount() {
        var shape = ModelConfig()
        (shape.embeddingSize, shape.hiddenSize, shape.encoderLayers, shape.decoderLayers) = (2, 4, 1, 1)
        (shape.bidirectionalEncoder, shape.attention, shape.inputFeeding, shape.decoderInit) = (false, .dot, false, .zero)
        let config = Seq2SeqConfig(sourceVocabularySize: 10, targetVocabularySize: 10, model: shape)
        // Encoder: 2·16·(2+4) per token. Decoder step: the layer 2·16·(2+4), scores and context
        // 2·3·4·2, W_c 2·4·8, output layer 2·4·10.
        #expect(config.encoderFLOPsPerToken == 192)
        #expect(config.decoderStepFLOPs(sourceLength: 3, outputColumns: 10) == 192 + 48 + 64 + 80)
        #expect(config.forwardFLOPs(sourceLength: 3, targetSteps: 2) == 3 * 192 + 2 * 384)
        #expect(config.trainingFLOPs(sourceLengths: [3, 1], targetLengths: [2, 5])
                == 3 * (config.forwardFLOPs(sourceLength: 3, targetSteps: 2) + config.forwardFLOPs(sourceLength: 1, targetSteps: 5)))
    }

    @Test(arguments: [RecurrentCellType.lstm, .gru, .rnn])
    func countsFollowTheWeights(cell: RecurrentCellType) {
        var shape = ModelConfig()
        (shape.embeddingSize, shape.hiddenSize, shape.encoderLayers, shape.decoderLayers) = (6, 8, 2, 2)
        shape.cell = cell
        let config = Seq2SeqConfig(sourceVocabularySize: 11, targetVocabularySize: 13, model: shape)
        let model = Seq2Seq<Float>(config, rng: SeededRandom(seed: 1))
        func elements(_ prefix: String, _ suffixes: [String]) -> Double {
            Double(model.store.parameters.filter { p in
                p.name.hasPrefix(prefix) && suffixes.contains { p.name.hasSuffix($0) }
            }.reduce(0) { $0 + $1.value.count })
        }
        #expect(config.encoderFLOPsPerToken == 2 * elements("encoder.layers.", [".w_ih", ".w_hh"]))
        #expect(config.attentionKeyFLOPsPerSourceToken == 2 * elements("decoder.attention.", [".w_a"]))
        #expect(config.bridgeFLOPsPerSentence == 2 * elements("decoder.bridge.", [".weight"]))
        // Without a source, a decoder step is its layers, W_c and the output layer; with the
        // embedding looked up, the first layer's product skips the embedding's columns.
        let step = 2 * elements("decoder.", [".w_ih", ".w_hh", ".w_c"]) + 2 * elements("generator.", [".weight"])
        #expect(config.decoderStepFLOPs(sourceLength: 0, outputColumns: 13) == step)
        let gates = Double(cell.gatesPerUnit * 8)
        #expect(config.decoderStepFLOPs(sourceLength: 0, outputColumns: 13, embeddingLookedUp: true) == step - 2 * gates * 6)
    }
}
