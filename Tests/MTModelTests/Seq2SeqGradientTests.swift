import MTModel
import MTTensor
import Testing

/// Finite-difference checks of the whole encoder-decoder, every parameter, in Double.
@Suite struct Seq2SeqGradientTests {
    /// B = 3 pairs with different source (4, 2, 3) and target (3, 1, 2) lengths.
    static func batch(_ rng: SeededRandom) -> Batch {
        let words: [Int32] = [1, 4, 5, 6]
        func sentence(_ n: Int) -> [Int32] { (0..<n).map { _ in words[rng.int(below: words.count)] } }
        return Batch(sources: [4, 2, 3].map(sentence), targets: [3, 1, 2].map(sentence))
    }

    static func config(_ edit: (inout Seq2SeqConfig) -> Void) -> Seq2SeqConfig {
        var c = Seq2SeqConfig(sourceVocabularySize: 7, targetVocabularySize: 7)
        c.embeddingSize = 3
        c.hiddenSize = 4
        c.encoderLayers = 1
        c.decoderLayers = 1
        c.dropout = 0
        c.labelSmoothing = 0
        c.paramInit = 0.5
        edit(&c)
        return c
    }

    /// Gradients of forwardBackward against central differences of loss / tokens. With
    /// `dropoutSeed` every evaluation draws the same masks from a fresh generator.
    static func check(_ config: Seq2SeqConfig, dropoutSeed: UInt64? = nil) {
        let rng = SeededRandom(seed: 11)
        let model = Seq2Seq<Double>(config, rng: rng)
        let batch = batch(rng)
        let tokens = Double(batch.targetTokenCount)
        func evaluate() -> CrossEntropySums {
            if let dropoutSeed {
                return model.forwardBackward(batch, training: true, rng: SeededRandom(seed: dropoutSeed))
            }
            return model.loss(batch)
        }
        model.store.zeroGradients()
        let sums = model.forwardBackward(
            batch, training: dropoutSeed != nil, rng: dropoutSeed.map { SeededRandom(seed: $0) })
        let analytic = model.store.parameters.map { $0.grad.values }
        #expect(sums.tokens == batch.targetTokenCount)
        #expect(abs(sums.loss - evaluate().loss) < 1e-12)
        for (p, g) in zip(model.store.parameters, analytic) {
            GradientCheck.expectClose(p.name, p.value, analytic: g) { evaluate().loss / tokens }
        }
    }

    @Test func lstmBidirectionalGeneralInputFeedingBridge() {
        Self.check(Self.config {
            $0.cell = .lstm; $0.bidirectionalEncoder = true; $0.attention = .general
            $0.inputFeeding = true; $0.decoderInit = .bridge; $0.labelSmoothing = 0.1
        })
    }

    @Test func gruDotNoInputFeedingLearned() {
        Self.check(Self.config {
            $0.cell = .gru; $0.bidirectionalEncoder = false; $0.attention = .dot
            $0.inputFeeding = false; $0.decoderInit = .learned; $0.learnedInit = .uniform
        })
    }

    @Test func rnnBidirectionalGeneralInputFeedingBridge() {
        Self.check(Self.config {
            $0.cell = .rnn; $0.bidirectionalEncoder = true; $0.attention = .general
            $0.inputFeeding = true; $0.decoderInit = .bridge; $0.labelSmoothing = 0.1
        })
    }

    @Test func lstmMLPTiedZeroInit() {
        Self.check(Self.config {
            $0.cell = .lstm; $0.bidirectionalEncoder = true; $0.attention = .mlp; $0.embeddingSize = 4
            $0.tieTargetEmbeddings = true; $0.decoderInit = .zero; $0.inputFeeding = true
            $0.labelSmoothing = 0.2
        })
    }

    @Test func twoLayerStacks() {
        Self.check(Self.config {
            $0.cell = .lstm; $0.bidirectionalEncoder = true; $0.encoderLayers = 2; $0.decoderLayers = 2
            $0.attention = .general; $0.decoderInit = .bridge
        })
    }

    @Test func twoLayerGRUStacksLearned() {
        Self.check(Self.config {
            $0.cell = .gru; $0.bidirectionalEncoder = true; $0.encoderLayers = 2; $0.decoderLayers = 2
            $0.attention = .mlp; $0.decoderInit = .learned; $0.learnedInit = .uniform
        })
    }

    @Test func twoLayerRNNStacksLearnedWithFixedDropout() {
        Self.check(Self.config {
            $0.cell = .rnn; $0.bidirectionalEncoder = false; $0.encoderLayers = 2; $0.decoderLayers = 2
            $0.attention = .dot; $0.inputFeeding = false; $0.decoderInit = .learned; $0.learnedInit = .uniform
            $0.dropout = 0.3
        }, dropoutSeed: 5)
    }

    @Test func deeperEncoderThanDecoderBridge() {
        Self.check(Self.config {
            $0.cell = .gru; $0.bidirectionalEncoder = false; $0.encoderLayers = 2; $0.decoderLayers = 1
            $0.attention = .general; $0.decoderInit = .bridge
        })
    }

    @Test func twoLayerStacksWithFixedDropout() {
        Self.check(Self.config {
            $0.cell = .lstm; $0.bidirectionalEncoder = true; $0.encoderLayers = 2; $0.decoderLayers = 2
            $0.attention = .general; $0.decoderInit = .bridge; $0.dropout = 0.3; $0.labelSmoothing = 0.1
        }, dropoutSeed: 5)
    }

    @Test func parameterNames() {
        let model = Seq2Seq<Double>(Self.config { $0.decoderInit = .bridge }, rng: SeededRandom(seed: 1))
        let names = Set(model.store.parameters.map(\.name))
        for n in [
            "encoder.embedding.weight", "encoder.layers.0.forward.w_ih", "encoder.layers.0.backward.w_hh",
            "decoder.embedding.weight", "decoder.bridge.layers.0.h.weight", "decoder.bridge.layers.0.c.bias",
            "decoder.layers.0.w_ih", "decoder.attention.w_a", "decoder.attention.w_c",
            "generator.weight", "generator.bias",
        ] { #expect(names.contains(n), "\(n)") }
    }
}
