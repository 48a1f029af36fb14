import MTModel
import MTTensor
import MTTrain
import Testing

/// The reducers the trainer chooses from, against each other and the store's own steps.
@Suite struct GradientReducerTests {
    static func bits(_ model: Seq2Seq<Float>) -> [[UInt32]] {
        model.store.parameters.map { Array(UnsafeBufferPointer(start: $0.value.data, count: $0.count)).map(\.bitPattern) }
    }

    @Test func oneWorkerIsTheModelAloneAndMoreAreThreads() {
        let model = Seq2Seq<Float>(DataParallelTests.config(), rng: SeededRandom(seed: 1))
        #expect(makeGradientReducer(model: model, workers: 1) is SingleWorkerReducer<Float>)
        let threads = makeGradientReducer(model: model, workers: 3)
        #expect((threads as? ThreadReducer<Float>)?.workers == 3)
        #expect(threads.model === model)
    }

    /// The single worker is exactly the store's own zero, forward/backward, clip and step,
    /// with the dropout masks drawn straight from the caller's generator.
    @Test func singleWorkerStepsAreTheStoresOwn() {
        var config = DataParallelTests.config()
        config.dropout = 0.3
        let a = Seq2Seq<Float>(config, rng: SeededRandom(seed: 6))
        let b = Seq2Seq<Float>(config, rng: SeededRandom(seed: 6))
        let reducer = SingleWorkerReducer(model: b)
        let adamA = Adam(a.store), adamB = Adam(b.store)
        let rngA = SeededRandom(seed: 2), rngB = SeededRandom(seed: 2)
        for step in 0..<3 {
            let batch = DataParallelTests.batch(SeededRandom(seed: UInt64(20 + step)))
            a.store.zeroGradients()
            let sa = a.forwardBackward(batch, training: true, rng: rngA)
            let sb = reducer.forwardBackward(batch, training: true, rng: rngB)
            #expect(sa == sb)
            #expect(a.store.clipGradients(maxNorm: 0.5).bitPattern == reducer.clipGradients(maxNorm: 0.5).bitPattern)
            adamA.step(learningRate: 0.01)
            adamB.step(learningRate: 0.01, slices: reducer.parameterSlices)
        }
        #expect(rngA.state == rngB.state)
        #expect(Self.bits(a) == Self.bits(b))
    }

    /// Without dropout, one thread computes what the single worker does, bit for bit: its
    /// only slices are whole parameters, so the norm is summed in the same order.
    @Test func oneThreadGivesTheSingleWorkersGradientNormAndUpdate() {
        let a = Seq2Seq<Float>(DataParallelTests.config(), rng: SeededRandom(seed: 7))
        let b = Seq2Seq<Float>(DataParallelTests.config(), rng: SeededRandom(seed: 7))
        let single = SingleWorkerReducer(model: a), thread = ThreadReducer(model: b, workers: 1)
        let adamA = Adam(a.store), adamB = Adam(b.store)
        for step in 0..<3 {
            let batch = DataParallelTests.batch(SeededRandom(seed: UInt64(30 + step)))
            let sa = single.forwardBackward(batch, training: false, rng: SeededRandom(seed: 1))
            let sb = thread.forwardBackward(batch, training: false, rng: SeededRandom(seed: 1))
            #expect(sa == sb)
            #expect(single.clipGradients(maxNorm: 0.1).bitPattern == thread.clipGradients(maxNorm: 0.1).bitPattern)
            adamA.step(learningRate: 0.01, slices: single.parameterSlices)
            adamB.step(learningRate: 0.01, slices: thread.parameterSlices)
        }
        #expect(Self.bits(a) == Self.bits(b))
    }

    /// A caller's normaliser replaces the batch's own token count (as a part of a larger
    /// batch needs): half the gradient for twice the tokens.
    @Test(arguments: [1, 2])
    func theNormaliserDividesTheGradient(workers: Int) {
        let model = Seq2Seq<Double>(DataParallelTests.config(), rng: SeededRandom(seed: 8))
        let reducer = makeGradientReducer(model: model, workers: workers)
        let batch = DataParallelTests.batch(SeededRandom(seed: 9))
        reducer.forwardBackward(batch, training: false, rng: SeededRandom(seed: 1))
        let whole = Array(model.store.gradients)
        reducer.forwardBackward(batch, normalizer: 2 * batch.targetTokenCount, training: false, rng: SeededRandom(seed: 1))
        let half = Array(model.store.gradients)
        #expect(whole.contains { $0 != 0 })
        for (x, y) in zip(whole, half) { #expect(abs(x / 2 - y) <= 1e-12 * abs(x)) }
    }
}
