import Foundation
import MTModel
import MTTensor
import Testing

/// The model against an independent implementation: PyTorch's LSTM/GRU modules and the
/// equations of Luong attention, the bridge and the label-smoothed loss, written by
/// scripts/reference-dump.py into Fixtures/reference (see its README). Gradient checks
/// prove that backward matches forward; this proves that forward is the standard model.
@Suite struct ReferenceTests {
    static let dumps = [
        "bilstm-general-feed-bridge", "bigru-dot-feed-learned", "lstm-mlp-nofeed-zero",
        "lstm-general-feed-bridge-tied",
    ]

    /// Unit roundoff of Double.
    static let u = Double.ulpOfOne / 2

    /// Both sides compute in Double from the same weights and differ only in the order of
    /// their sums (BLAS blocking, unrolled dot products, PyTorch's kernels) and in their
    /// exp/tanh (libm against PyTorch's vectorised versions, within a few ulps). A rounded
    /// operation errs by at most u times the magnitude of what it combines, and along a
    /// dependency path these errors add (tanh and σ have slopes ≤ 1, and these small
    /// networks do not amplify), so an element differs by at most n·u·M: n the rounded
    /// operations it depends on, M the magnitude of the values combined. n is at most the
    /// operation count of the whole forward and backward pass (`operationBound`); M is
    /// taken as the largest magnitude in the compared tensor, since a gradient element can
    /// be a cancellation of larger terms and its own size is then no measure of its error.
    /// Measured: at most about 300 u·max (the mlp attention's gradients, sums of cancelling
    /// terms), mostly under 20, against bounds near 10⁵; adding 1e-9 to one weight fails.
    static func tolerance(_ reference: [Double], operations: Double) -> Double {
        operations * u * (reference.map(abs).max() ?? 0)
    }

    /// Rounded operations of one forward and backward pass: multiply-adds counted as two
    /// operations, backward as twice the forward.
    static func operationBound(_ c: Seq2SeqConfig, _ batch: Batch) -> Double {
        let (s, t, b) = (batch.sourceSteps, batch.targetSteps, batch.batchSize)
        let e = c.embeddingSize, h = c.hiddenSize, he = c.encoderHiddenSize
        let g = c.cell == .lstm ? 4 : 3, states = c.cell == .lstm ? 2 : 1, directions = c.bidirectionalEncoder ? 2 : 1
        var multiplyAdds = 0
        for l in 0..<c.encoderLayers {
            multiplyAdds += directions * s * b * g * he * ((l == 0 ? e : directions * he) + he)
        }
        multiplyAdds += c.decoderLayers * states * b * h * h
        for l in 0..<c.decoderLayers {
            multiplyAdds += t * b * g * h * ((l == 0 ? (c.inputFeeding ? e + h : e) : h) + h)
        }
        // Keys; per step the query projection (mlp), scores, context and W_c [c; h].
        multiplyAdds += b * s * h * h + t * b * (h * h + 2 * s * h + 2 * h * h)
        multiplyAdds += t * b * c.targetVocabularySize * h
        return Double(2 * 3 * multiplyAdds)
    }

    /// Requires |ours − reference| ≤ tolerance elementwise.
    static func expectClose(
        _ label: String, _ ours: [Double], _ reference: [Double], operations: Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(ours.count == reference.count, "\(label): \(ours.count) values, reference \(reference.count)",
                sourceLocation: sourceLocation)
        let allowed = tolerance(reference, operations: operations)
        var worst = 0.0, worstIndex = -1
        for (i, (x, y)) in zip(ours, reference).enumerated() {
            let difference = abs(x - y).isNaN ? Double.infinity : abs(x - y)
            if difference > worst { (worst, worstIndex) = (difference, i) }
        }
        #expect(
            worst <= allowed,
            "\(label): element \(worstIndex) is \(ours[max(0, worstIndex)]), reference \(reference[max(0, worstIndex)]): off by \(worst), tolerance \(allowed)",
            sourceLocation: sourceLocation)
    }

    @Test func everyCommittedDumpIsReplayed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ReferenceDump.directory.path)
            .filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(".safetensors".count)) }
        #expect(Set(files) == Set(Self.dumps))
    }

    @Test(arguments: dumps)
    func matchesPyTorch(_ name: String) throws {
        let dump = try ReferenceDump(named: name)
        let config = dump.config, batch = dump.batch
        #expect(config.dropout == 0)
        let model = Seq2Seq<Double>(config, rng: SeededRandom(seed: 0), initializeParameters: false)
        let names = Set(model.store.parameters.map(\.name))
        #expect(dump.weightNames == names, "weights: model only \(names.subtracting(dump.weightNames)), dump only \(dump.weightNames.subtracting(names))")
        #expect(dump.gradientNames == names, "gradients: model only \(names.subtracting(dump.gradientNames)), dump only \(dump.gradientNames.subtracting(names))")
        try dump.loadWeights(into: model)
        let operations = Self.operationBound(config, batch)
        let (steps, b, v) = (batch.targetSteps, batch.batchSize, config.targetVocabularySize)

        // Training: loss sums and the gradients of loss / tokens.
        model.store.zeroGradients()
        let sums = model.forwardBackward(batch, training: true)
        #expect(sums.tokens == batch.targetTokenCount)
        Self.expectClose("\(name) loss", [sums.loss], try dump.values("output.loss"), operations: operations)
        Self.expectClose("\(name) nll", [sums.nll], try dump.values("output.nll"), operations: operations)
        for p in model.store.parameters {
            Self.expectClose(
                "\(name) gradient of \(p.name)", p.grad.values, try dump.values("grad.\(p.name)"), operations: operations)
        }

        // Logits of every position (padded steps included) from the attentional states of that pass.
        let referenceLogits = try dump.values("output.logits")
        let logits = model.generator.logitRows(model.attention.output.data, rows: steps * b).values
        Self.expectClose("\(name) logits", logits, referenceLogits, operations: operations)

        // Validation: the forward-only loss.
        let validation = model.loss(batch)
        Self.expectClose("\(name) validation loss", [validation.loss], try dump.values("output.loss"), operations: operations)

        // Decoding: the step path a search takes (no history, the target input table, no target
        // lengths), fed the reference's target inputs; compared where the target is not padding.
        model.prepareTargetInputTable()
        model.encode(source: batch.source, sourceLengths: batch.sourceLengths, training: false, backward: false)
        model.beginDecoding(steps: steps, targetLengths: nil, training: false, backward: false)
        var decoded: [Double] = [], expected: [Double] = []
        for t in 0..<steps {
            batch.targetInput.withUnsafeBufferPointer { model.embedTargetStep(t, ids: $0.baseAddress! + t * b) }
            let rows = model.generator.logitRows(model.decodeStep(t), rows: b).values
            for r in 0..<b where t < Int(batch.targetLengths[r]) {
                decoded += rows[(r * v)..<((r + 1) * v)]
                expected += referenceLogits[((t * b + r) * v)..<((t * b + r + 1) * v)]
            }
        }
        Self.expectClose("\(name) decoding logits", decoded, expected, operations: operations)
    }
}
