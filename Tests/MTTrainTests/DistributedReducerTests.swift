import Foundation
import MTModel
import MTTensor
import MTTrain
import Testing

/// Training across ranks (threads standing in for processes): R ranks × W workers compute
/// what one process with R·W workers computes, bit for bit, with dropout and clipping on.
@Suite struct DistributedReducerTests {
    static func config() -> Seq2SeqConfig {
        var c = DataParallelTests.config()
        c.dropout = 0.3
        return c
    }

    struct Run: Equatable {
        var parameters: [[UInt32]]
        var sums: [CrossEntropySums]
        var norms: [UInt64]
    }

    /// Three Adam steps of `reducer`, each on `accumulate` batches, clipped to a norm of 0.01
    /// (below the gradients' own, so the clipping scales).
    static func train(_ reducer: any GradientReducer<Float>, accumulate: Int) -> Run {
        let adam = Adam(reducer.model.store)
        let rng = SeededRandom(seed: 2)
        var run = Run(parameters: [], sums: [], norms: [])
        for step in 0..<3 {
            let batches = (0..<accumulate).map { DataParallelTests.batch(SeededRandom(seed: UInt64(20 + 10 * step + $0))) }
            let sums = accumulate == 1
                ? reducer.forwardBackward(batches[0], training: true, rng: rng)
                : reducer.forwardBackward(
                    batches, normalizer: batches.reduce(0) { $0 + $1.targetTokenCount }, training: true, rng: rng)
            run.sums.append(sums)
            run.norms.append(reducer.clipGradients(maxNorm: 0.01).bitPattern)
            adam.step(learningRate: 0.01, slices: reducer.parameterSlices)
        }
        run.parameters = GradientReducerTests.bits(reducer.model)
        #expect(run.norms.allSatisfy { Double(bitPattern: $0) > 0.01 })
        return run
    }

    static func inProcess(workers: Int, accumulate: Int) -> Run {
        let model = Seq2Seq<Float>(config(), rng: SeededRandom(seed: 6))
        return train(makeGradientReducer(model: model, workers: workers), accumulate: accumulate)
    }

    /// Chunks of 96 elements: many rounds of the exact sum, whole ones and a short last one.
    /// `overlap`: the sum runs bucket by bucket during the backward pass (the default).
    static func acrossRanks(
        _ ranks: Int, workers: Int, accumulate: Int, summation: GradientSummation = .exact, overlap: Bool = true
    ) -> [Run] {
        LocalCommunicator.run(ranks: ranks) { communicator in
            let model = Seq2Seq<Float>(config(), rng: SeededRandom(seed: 6))
            let reducer = DistributedReducer(
                model: model, workers: workers, communicator: communicator, summation: summation, chunkElements: 96,
                overlap: overlap)
            #expect(reducer.overlaps == (overlap && ranks > 1))
            return train(reducer, accumulate: accumulate)
        }
    }

    @Test(arguments: [(2, 1, 1), (2, 2, 1), (3, 1, 1), (2, 1, 2), (2, 2, 3), (3, 2, 1)], [true, false])
    func ranksTimesWorkersAreThatManyWorkersInOneProcess(shape: (Int, Int, Int), overlap: Bool) {
        let (ranks, workers, accumulate) = shape
        let expected = Self.inProcess(workers: ranks * workers, accumulate: accumulate)
        let runs = Self.acrossRanks(ranks, workers: workers, accumulate: accumulate, overlap: overlap)
        for (rank, run) in runs.enumerated() {
            #expect(run.sums == expected.sums, "rank \(rank)")
            #expect(run.norms == expected.norms, "rank \(rank)")
            #expect(run.parameters == expected.parameters, "rank \(rank)")
        }
    }

    /// One rank of one worker is the single worker (dropout straight from the generator).
    @Test func oneRankIsTheSingleWorker() {
        let expected = Self.inProcess(workers: 1, accumulate: 2)
        #expect(Self.acrossRanks(1, workers: 1, accumulate: 2) == [expected])
    }

    /// The transport's order (here: last rank first) changes the last bits only; the ranks
    /// still agree with each other exactly.
    @Test func fastSummationAgreesToRoundingAndAcrossRanks() {
        let exact = Self.inProcess(workers: 3, accumulate: 1)
        let runs = Self.acrossRanks(3, workers: 1, accumulate: 1, summation: .fast)
        #expect(runs[1] == runs[0] && runs[2] == runs[0])
        #expect(runs[0].parameters != exact.parameters, "a different order of summation, so some bits differ")
        for (a, b) in zip(runs[0].parameters.joined(), exact.parameters.joined()) {
            let x = Float(bitPattern: a), y = Float(bitPattern: b)
            #expect(abs(x - y) <= 1e-5 * max(abs(y), 1e-2))
        }
    }

    /// Overlap sums every element in the same order: the fast sum too is what it is without.
    @Test(arguments: [(3, 1), (2, 2)])
    func fastSummationOverlappedIsFastSummation(ranks: Int, workers: Int) {
        let plain = Self.acrossRanks(ranks, workers: workers, accumulate: 1, summation: .fast, overlap: false)
        let overlapped = Self.acrossRanks(ranks, workers: workers, accumulate: 1, summation: .fast)
        #expect(overlapped.allSatisfy { $0 == plain[0] })
        #expect(plain.allSatisfy { $0 == plain[0] })
    }

    /// The overlapped sum starts operations on the communication thread and polls them
    /// while they are under way; a batch with fewer sentences than parts leaves a worker
    /// without one, which still counts as having reported its gradients.
    @Test(arguments: [(2, 3, 4), (3, 1, 2)])
    func overlapPollsRequestsUnderWayAndCopesWithIdleWorkers(ranks: Int, workers: Int, sentences: Int) {
        let counts = LocalCommunicator.run(ranks: ranks) { communicator -> (Int, Int, Bool) in
            let model = Seq2Seq<Float>(Self.config(), rng: SeededRandom(seed: 6))
            let reducer = DistributedReducer(model: model, workers: workers, communicator: communicator, chunkElements: 96)
            let batch = DataParallelTests.batch(SeededRandom(seed: 20))
            let narrow = batch.columns(0..<sentences)
            let sums = reducer.forwardBackward(narrow, training: true, rng: SeededRandom(seed: 2))
            let single = makeGradientReducer(
                model: Seq2Seq<Float>(Self.config(), rng: SeededRandom(seed: 6)), workers: ranks * workers)
            let expected = single.forwardBackward(narrow, training: true, rng: SeededRandom(seed: 2))
            let same = sums == expected && Array(reducer.model.store.gradients) == Array(single.model.store.gradients)
            return (communicator.started, communicator.incompleteTests, same)
        }
        for (started, incomplete, same) in counts {
            #expect(started > 0 && incomplete == started, "every request was found under way once")
            #expect(same, "\(sentences) sentences in \(ranks * workers) parts: the gradient of that many workers")
        }
    }

    /// K batches accumulated are one update on their concatenation (K times the batch), up
    /// to the order of the sums over sentences (Double: to 1e-12).
    @Test(arguments: [1, 2])
    func accumulatedBatchesAreTheirConcatenation(workers: Int) {
        func sentences(_ rng: SeededRandom, _ lengths: [Int]) -> [[Int32]] {
            lengths.map { n in (0..<n).map { _ in Int32(4 + rng.int(below: 6)) } }
        }
        let rng = SeededRandom(seed: 12)
        let s1 = sentences(rng, [5, 2, 4]), t1 = sentences(rng, [3, 1, 4])
        let s2 = sentences(rng, [3, 1, 5, 2]), t2 = sentences(rng, [2, 5, 2, 3])
        let b1 = Batch(sources: s1, targets: t1), b2 = Batch(sources: s2, targets: t2)
        let whole = Batch(sources: s1 + s2, targets: t1 + t2)
        let model = Seq2Seq<Double>(DataParallelTests.config(), rng: SeededRandom(seed: 4))
        let reducer = makeGradientReducer(model: model, workers: workers)
        let accumulated = reducer.forwardBackward(
            [b1, b2], normalizer: b1.targetTokenCount + b2.targetTokenCount, training: false, rng: SeededRandom(seed: 1))
        let a = DataParallelTests.gradients(model)
        let single = makeGradientReducer(model: model, workers: 1).forwardBackward(whole, training: false, rng: SeededRandom(seed: 1))
        #expect(accumulated.tokens == single.tokens)
        #expect(abs(accumulated.loss - single.loss) <= 1e-12 * single.loss)
        DataParallelTests.expectGradientsClose(
            DataParallelTests.gradients(model), a, tolerance: 1e-12, names: model.store.parameters.map(\.name))
    }

    @Test func aRankWithOtherParametersStopsEveryRank() {
        let messages = LocalCommunicator.run(ranks: 3) { communicator -> [String] in
            let model = Seq2Seq<Float>(DataParallelTests.config(), rng: SeededRandom(seed: 6))
            let job = DistributedTraining(communicator: communicator)
            var errors: [String] = []
            do { try job.checkParameters(model.store, step: 7) } catch { errors.append("\(error)") }
            if communicator.rank == 2 {
                let p = model.store.parameters[3].value.data
                p[0] = p[0].nextUp
            }
            do { try job.checkParameters(model.store, step: 8) } catch { errors.append("\(error)") }
            return errors
        }
        for m in messages {
            #expect(m.count == 1)
            #expect(m.first?.contains("rank 2 differs from rank 0") == true, "\(m)")
            #expect(m.first?.contains("step 8") == true, "\(m)")
        }
    }

    @Test func ranksStartedOnDifferentRunsStopAtTheStart() {
        let messages = LocalCommunicator.run(ranks: 2) { communicator -> String? in
            let job = DistributedTraining(communicator: communicator)
            do {
                try job.checkSameRun([("a configuration", 1), ("training or validation data", UInt64(communicator.rank))])
                return nil
            } catch {
                return "\(error)"
            }
        }
        for m in messages { #expect(m?.contains("rank 1 started with training or validation data different from rank 0's") == true, "\(m ?? "no error")") }
    }

    /// The whole trainer on two ranks (one worker each) against one process with two
    /// workers: the same parameters, bit for bit, with accumulation, dropout and validation.
    @Test(arguments: [1, 2])
    func twoRankTrainersAreOneWithTwoWorkers(accumulate: Int) throws {
        func config(workers: Int) -> TrainingConfig {
            var c = TrainerFixture.config(hidden: 12, dropout: 0.3)
            c.training.batchTokens = 200
            c.training.epochs = 0
            c.training.maxSteps = 8
            c.training.validationInterval = 4
            c.training.maxGradNorm = 1
            c.training.workers = workers
            c.training.accumulateSteps = accumulate
            return c
        }
        let pairs = TrainerFixture.pairs(240, seed: 31), held = TrainerFixture.pairs(20, seed: 32)
        let alone = try Trainer(
            config: config(workers: 2), sourceVocabularySize: 14, targetVocabularySize: 20, train: pairs,
            validation: TrainerFixture.validation(held))
        let expected = try alone.run()
        let ranks = LocalCommunicator.run(ranks: 2) { communicator -> (TrainingOutcome, [String: [UInt32]])? in
            guard
                let trainer = try? Trainer(
                    config: config(workers: 1), sourceVocabularySize: 14, targetVocabularySize: 20, train: pairs,
                    validation: TrainerFixture.validation(held), distributed: DistributedTraining(communicator: communicator, checkInterval: 3)),
                let outcome = try? trainer.run()
            else { return nil }
            return (outcome, TrainerFixture.bits(TrainerFixture.parameters(trainer.model)))
        }
        for (rank, r) in ranks.enumerated() {
            #expect(r?.0.steps == 8 && r?.0.lastValidation?.perplexity == expected.lastValidation?.perplexity, "rank \(rank)")
            #expect(r?.1 == TrainerFixture.bits(TrainerFixture.parameters(alone.model)), "rank \(rank)")
        }
    }

    /// An update takes accumulate_steps batches (the last of an epoch what is left), and the
    /// steps count updates.
    @Test func accumulationTakesKBatchesPerUpdate() throws {
        var c = TrainerFixture.config()
        c.training.batchTokens = 200
        c.training.epochs = 1
        c.training.accumulateSteps = 3
        let pairs = TrainerFixture.pairs(240, seed: 31)
        let trainer = try Trainer(config: c, sourceVocabularySize: 14, targetVocabularySize: 20, train: pairs, validation: nil)
        let batches = trainer.planner.batchCount(epoch: 1)
        let outcome = try trainer.run()
        #expect(batches > 3 && batches % 3 != 0, "a short last update is part of the test (\(batches) batches)")
        #expect(outcome.steps == (batches + 2) / 3)
        #expect(trainer.state.position == BatchPosition(epoch: 2, batch: 0))
    }
}
