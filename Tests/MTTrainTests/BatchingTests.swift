import MTModel
import MTTensor
import Testing
@testable import MTTrain

@Suite struct BatchingTests {
    private func corpus(_ n: Int, seed: UInt64 = 3) -> [SentencePair] {
        let rng = SeededRandom(seed: seed)
        return (0..<n).map { i in
            let s = 1 + rng.int(below: 30)
            let t = 1 + rng.int(below: 30)
            return SentencePair(
                source: (0..<s).map { Int32(4 + ($0 + i) % 50) },
                target: (0..<t).map { Int32(4 + ($0 * 3 + i) % 50) })
        }
    }

    @Test func paddedTimeMajorArrays() {
        let pairs = [
            SentencePair(source: [10, 11, 12], target: [20]),
            SentencePair(source: [13], target: [21, 22, 23]),
        ]
        let b = Batch(corpus: pairs, indices: [1, 0])
        #expect(b.batchSize == 2 && b.sourceSteps == 3 && b.targetSteps == 4)
        #expect(b.source == [13, 10, 0, 11, 0, 12])
        #expect(b.sourceLengths == [1, 3])
        #expect(b.targetInput == [2, 2, 21, 20, 22, 0, 23, 0])
        #expect(b.targetOutput == [21, 20, 22, 3, 23, 0, 3, 0])
        #expect(b.targetLengths == [4, 2])
        #expect(b.targetTokenCount == 6 && b.sourceTokenCount == 4 && b.paddedTargetTokenCount == 8)
    }

    @Test func everyPairOnceBudgetRespectedAndDeterministic() {
        let data = corpus(2000)
        let options = BatchingOptions(maxTokens: 300, maxSentences: 24, poolBatches: 10)
        let planner = BatchPlanner(corpus: data, options: options, seed: 42)
        for epoch in 1...3 {
            let batches = planner.batches(epoch: epoch)
            #expect(batches.flatMap { $0 }.sorted() == Array(0..<2000))
            for b in batches {
                let steps = b.map { data[$0].target.count + 1 }.max()!
                #expect(b.count <= 24)
                #expect(b.count * steps <= 300)
                #expect(Batch(corpus: data, indices: b).paddedTargetTokenCount <= 300)
            }
            // Same seed and epoch: same plan, from a fresh planner too.
            #expect(BatchPlanner(corpus: data, options: options, seed: 42).batches(epoch: epoch) == batches)
        }
        #expect(planner.batches(epoch: 1) != planner.batches(epoch: 2))
        #expect(BatchPlanner(corpus: data, options: options, seed: 43).batches(epoch: 1) != planner.batches(epoch: 1))
    }

    @Test func bucketingKeepsPaddingSmall() {
        let data = corpus(3000)
        let planner = BatchPlanner(corpus: data, options: BatchingOptions(maxTokens: 1000, maxSentences: 64), seed: 1)
        var real = 0, padded = 0
        for b in planner.batches(epoch: 1) {
            let batch = Batch(corpus: data, indices: b)
            real += batch.targetTokenCount
            padded += batch.paddedTargetTokenCount
        }
        // Sorting by source then target length leaves targets somewhat mixed; unsorted would be ~50%.
        #expect(Double(real) / Double(padded) > 0.6)
    }

    @Test func longestTargetsComeFirstInEveryBatch() {
        let data = corpus(3000)
        let planner = BatchPlanner(corpus: data, options: BatchingOptions(maxTokens: 1000, maxSentences: 64), seed: 1)
        var mixed = 0
        for b in planner.batches(epoch: 1) {
            let lengths = b.map { data.targetLength($0) }
            #expect(lengths == lengths.sorted(by: >))
            if Set(lengths).count > 1 { mixed += 1 }
        }
        #expect(mixed > 0)
    }

    @Test func resumeReproducesTheRemainingBatches() {
        let data = corpus(500)
        let options = BatchingOptions(maxTokens: 200, maxSentences: 16)
        let full = BatchPlanner(corpus: data, options: options, seed: 9)
        var seen: [[Int]] = []
        var position = BatchPosition.start
        while position.epoch <= 2 {
            seen.append(full.remainingBatches(from: position).first!)
            position = full.position(after: position)
        }
        #expect(seen.count == full.batchCount(epoch: 1) + full.batchCount(epoch: 2))
        // Interrupt in the middle of epoch 2 and resume with a new planner.
        let cut = BatchPosition(epoch: 2, batch: 5)
        let resumed = BatchPlanner(corpus: data, options: options, seed: 9)
        let rest = Array(resumed.remainingBatches(from: cut))
        #expect(rest == Array(seen[(full.batchCount(epoch: 1) + 5)...]))
        #expect(resumed.remainingBatches(from: BatchPosition(epoch: 2, batch: 10_000)).isEmpty)
    }

    @Test func lengthLimitsAndOversizedPairs() {
        var data = corpus(50)
        data.append(SentencePair(source: [5], target: [Int32](repeating: 9, count: 500)))
        let limited = BatchPlanner(corpus: data, options: BatchingOptions(maxTokens: 100, maxTargetLength: 100), seed: 1)
        #expect(limited.excludedCount == 1)
        #expect(!limited.batches(epoch: 1).flatMap { $0 }.contains(50))
        let unlimited = BatchPlanner(corpus: data, options: BatchingOptions(maxTokens: 100), seed: 1)
        #expect(unlimited.batches(epoch: 1).contains([50]))
    }
}
