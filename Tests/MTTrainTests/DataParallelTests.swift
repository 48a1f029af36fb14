import Foundation
import MTModel
import MTTensor
import MTTrain
import Testing

/// Data-parallel forward/backward: the summed gradient of W parts equals the one-worker
/// gradient of the whole batch, and training with W workers is deterministic.
@Suite struct DataParallelTests {
    /// B = 7 pairs of different lengths (so the parts have different step counts).
    static func batch(_ rng: SeededRandom) -> Batch {
        func sentence(_ n: Int) -> [Int32] { (0..<n).map { _ in Int32(4 + rng.int(below: 6)) } }
        return Batch(
            sources: [5, 2, 4, 3, 1, 5, 2].map(sentence), targets: [3, 1, 4, 2, 5, 2, 3].map(sentence))
    }

    static func config() -> Seq2SeqConfig {
        var c = Seq2SeqConfig(sourceVocabularySize: 10, targetVocabularySize: 10)
        c.embeddingSize = 3
        c.hiddenSize = 4
        c.encoderLayers = 2
        c.decoderLayers = 2
        c.bidirectionalEncoder = true
        c.attention = .general
        c.inputFeeding = true
        c.dropout = 0
        c.labelSmoothing = 0.1
        c.paramInit = 0.5
        return c
    }

    static func gradients<T: Real>(_ model: Seq2Seq<T>) -> [[T]] {
        model.store.parameters.map { Array(UnsafeBufferPointer(start: $0.grad.data, count: $0.count)) }
    }

    /// |a − b| ≤ tolerance · max(|a|, largest |gradient| of that parameter · 1e-3) element-wise.
    static func expectGradientsClose<T: Real>(_ a: [[T]], _ b: [[T]], tolerance: Double, names: [String]) {
        #expect(a.count == b.count)
        for (i, (x, y)) in zip(a, b).enumerated() {
            let scale = x.map { abs(Double($0)) }.max() ?? 0
            var worst = 0.0
            for (u, v) in zip(x, y) {
                let bound = max(abs(Double(u)), scale * 1e-3, 1e-30)
                worst = max(worst, abs(Double(u) - Double(v)) / bound)
            }
            #expect(worst <= tolerance, "\(names[i]): relative difference \(worst)")
        }
    }

    func compare<T: Real>(_: T.Type, workers: Int, tolerance: Double) {
        let rng = SeededRandom(seed: 5)
        let model = Seq2Seq<T>(Self.config(), rng: rng)
        let batch = Self.batch(rng)
        model.store.zeroGradients()
        let whole = model.forwardBackward(batch, training: true, rng: SeededRandom(seed: 1))
        let expected = Self.gradients(model)

        let parallel = ThreadReducer(model: model, workers: workers)
        // Gradients left over from before must not leak in: the step zeroes them.
        for p in model.store.parameters { T.fill(p.grad.data, T(1), p.count) }
        let sums = parallel.forwardBackward(batch, training: true, rng: SeededRandom(seed: 1))
        #expect(sums.tokens == whole.tokens)
        #expect(abs(sums.loss - whole.loss) <= 1e-9 * abs(whole.loss))
        #expect(abs(sums.nll - whole.nll) <= 1e-9 * abs(whole.nll))
        Self.expectGradientsClose(
            expected, Self.gradients(model), tolerance: tolerance, names: model.store.parameters.map(\.name))
    }

    @Test(arguments: [2, 3, 7, 9])
    func doubleGradientOfPartsEqualsTheWholeBatch(workers: Int) {
        compare(Double.self, workers: workers, tolerance: 1e-10)
    }

    @Test(arguments: [2, 3])
    func floatGradientOfPartsEqualsTheWholeBatch(workers: Int) {
        compare(Float.self, workers: workers, tolerance: 1e-5)
    }

    /// Adam over slices on two threads gives exactly the sequential update; the shared-out
    /// clipping gives the same norm and scaling up to rounding.
    @Test func slicedAdamAndClippingMatchTheSequentialOnes() {
        let batch = Self.batch(SeededRandom(seed: 8))
        let a = Seq2Seq<Float>(Self.config(), rng: SeededRandom(seed: 4))
        let b = Seq2Seq<Float>(Self.config(), rng: SeededRandom(seed: 4))
        let parallel = ThreadReducer(model: b, workers: 2)
        let adamA = Adam(a.store), adamB = Adam(b.store)
        for _ in 0..<3 {
            a.store.zeroGradients()
            a.forwardBackward(batch, training: false)
            b.store.zeroGradients()
            b.forwardBackward(batch, training: false)
            let na = a.store.clipGradients(maxNorm: 0.5), nb = parallel.clipGradients(maxNorm: 0.5)
            #expect(abs(na - nb) <= 1e-12 * na)
            for (p, q) in zip(a.store.parameters, b.store.parameters) { q.grad.copy(from: p.grad) }
            adamA.step(learningRate: 0.01)
            adamB.step(learningRate: 0.01, slices: parallel.parameterSlices)
        }
        #expect(
            a.store.parameters.map { Array(UnsafeBufferPointer(start: $0.value.data, count: $0.count)).map(\.bitPattern) }
                == b.store.parameters.map { Array(UnsafeBufferPointer(start: $0.value.data, count: $0.count)).map(\.bitPattern) })
    }

    @Test func replicasShareValuesButNotGradients() {
        let model = Seq2Seq<Float>(Self.config(), rng: SeededRandom(seed: 3))
        let replica = Seq2Seq<Float>(sharingParametersWith: model)
        #expect(replica.store.parameters.map(\.name) == model.store.parameters.map(\.name))
        for (p, q) in zip(model.store.parameters, replica.store.parameters) {
            #expect(p.value === q.value, "\(p.name)")
            #expect(p.grad !== q.grad, "\(p.name)")
        }
        // Each store has its own flat buffer, laid out alike.
        #expect(replica.store.gradientOffsets == model.store.gradientOffsets)
        #expect(replica.store.gradients.count == model.store.gradients.count)
        #expect(replica.store.gradients.baseAddress != model.store.gradients.baseAddress)
    }

    @Test func columnsAreBalancedByTargetTokensAndCutToTheirLengths() {
        let batch = Self.batch(SeededRandom(seed: 9))
        // Target lengths with </s>: 4 2 5 3 6 3 4 (27 tokens).
        #expect(batch.balancedColumnRanges(parts: 1) == [0..<7])
        #expect(batch.balancedColumnRanges(parts: 2) == [0..<4, 4..<7])
        #expect(batch.balancedColumnRanges(parts: 7) == (0..<7).map { $0..<($0 + 1) })
        #expect(batch.balancedColumnRanges(parts: 12).count == 7)
        let part = batch.columns(1..<3)
        #expect(part.batchSize == 2 && part.sourceSteps == 4 && part.targetSteps == 5)
        #expect(part.sourceLengths == [2, 4] && part.targetLengths == [2, 5])
        for step in 0..<part.targetSteps {
            for j in 0..<2 {
                #expect(part.targetOutput[step * 2 + j] == batch.targetOutput[step * 7 + 1 + j])
                #expect(part.targetInput[step * 2 + j] == batch.targetInput[step * 7 + 1 + j])
            }
        }
        for step in 0..<part.sourceSteps {
            for j in 0..<2 { #expect(part.source[step * 2 + j] == batch.source[step * 7 + 1 + j]) }
        }
    }

    /// Same seed, data and worker count: the same parameters, bit for bit (dropout on).
    @Test func twoWorkersTrainDeterministically() throws {
        func train() throws -> [String: [UInt32]] {
            var c = TrainerFixture.config(hidden: 12, dropout: 0.3)
            c.model.encoderLayers = 2
            c.model.decoderLayers = 2
            c.training.batchTokens = 200
            c.training.epochs = 0
            c.training.maxSteps = 12
            c.training.workers = 2
            let trainer = try Trainer(
                config: c, sourceVocabularySize: 14, targetVocabularySize: 20,
                train: TrainerFixture.pairs(240, seed: 31), validation: nil)
            _ = try trainer.run()
            return TrainerFixture.bits(TrainerFixture.parameters(trainer.model))
        }
        #expect(try train() == train())
    }
}
