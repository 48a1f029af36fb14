import MTModel
import MTTensor
import Testing

/// `Seq2Seq.gradientsFinal` reports each stage once, in order, and a stage's gradients do
/// not change after its report: what a sum that overlaps the backward pass relies on.
@Suite struct GradientStagesTests {
    static let configs: [Seq2SeqConfig] = [
        Seq2SeqGradientTests.config {
            $0.encoderLayers = 2; $0.decoderLayers = 2; $0.dropout = 0.3; $0.labelSmoothing = 0.1
        },
        Seq2SeqGradientTests.config {
            $0.cell = .gru; $0.bidirectionalEncoder = false; $0.attention = .mlp; $0.inputFeeding = false
            $0.decoderInit = .learned; $0.learnedInit = .uniform; $0.encoderLayers = 3
        },
        Seq2SeqGradientTests.config {
            $0.cell = .rnn; $0.bidirectionalEncoder = false; $0.attention = .dot; $0.decoderInit = .zero; $0.tieTargetEmbeddings = true
            $0.hiddenSize = 3
        },
    ]

    @Test(arguments: configs.indices)
    func aReportedStageIsFinal(index: Int) {
        let config = Self.configs[index]
        let rng = SeededRandom(seed: 3)
        let model = Seq2Seq<Float>(config, rng: rng)
        let stages = model.gradientStages
        #expect(stages.joined().sorted() == Array(model.store.parameters.indices), "every parameter in one stage")
        #expect(stages.count == GradientStage.count(encoderLayers: config.encoderLayers))
        let batch = Seq2SeqGradientTests.batch(rng)
        // Two passes: the second adds to the first's gradients, as accumulation does.
        for pass in 0..<2 {
            var order: [Int] = []
            var snapshots: [Int: [[Float]]] = [:]
            model.gradientsFinal = { stage in
                order.append(stage)
                snapshots[stage] = stages[stage].map { model.store.parameters[$0].grad.values }
            }
            model.forwardBackward(batch, training: true, rng: SeededRandom(seed: 9))
            model.gradientsFinal = nil
            #expect(order == Array(stages.indices), "pass \(pass)")
            for (s, parameters) in stages.enumerated() {
                for (j, i) in parameters.enumerated() {
                    let p = model.store.parameters[i]
                    #expect(snapshots[s]?[j] == p.grad.values, "\(p.name) changed after stage \(s) was reported")
                }
            }
        }
        // The stages that carry parameters had gradients by their report.
        #expect(model.store.parameters.contains { $0.grad.values.contains { $0 != 0 } })
    }

    @Test func theStagesFollowTheBackwardPass() {
        let model = Seq2Seq<Float>(Self.configs[0], rng: SeededRandom(seed: 1))
        let names = model.gradientStages.map { $0.map { model.store.parameters[$0].name } }
        #expect(names[GradientStage.generator].allSatisfy { $0.hasPrefix("generator.") } && !names[0].isEmpty)
        #expect(names[GradientStage.encoderLayer(1, of: 2)].allSatisfy { $0.hasPrefix("encoder.layers.1.") })
        #expect(GradientStage.encoderLayer(1, of: 2) < GradientStage.encoderLayer(0, of: 2))
        #expect(names[GradientStage.targetEmbedding] == ["decoder.embedding.weight"])
        #expect(names[GradientStage.rest(encoderLayers: 2)].isEmpty)
    }

    /// A model nobody listens to reports nothing, and a worker without a part reports all.
    @Test func reportingEverythingAtOnce() {
        let model = Seq2Seq<Float>(Self.configs[1], rng: SeededRandom(seed: 1))
        model.reportGradientsFinal()
        var order: [Int] = []
        model.gradientsFinal = { order.append($0) }
        model.reportGradientsFinal()
        #expect(order == Array(model.gradientStages.indices))
    }
}
