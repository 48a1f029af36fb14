import MTTensor

/// Limits and bucketing for token-count batching.
public struct BatchingOptions: Codable, Equatable, Sendable {
    /// Budget of padded target positions per batch: B · (longest target + 1) ≤ maxTokens.
    /// A single pair over budget still forms a batch of its own.
    public var maxTokens: Int
    /// At most this many sentences per batch.
    public var maxSentences: Int
    /// Pairs are length-sorted within shuffled pools of maxSentences · poolBatches pairs:
    /// larger pools pad less, smaller pools mix lengths more.
    public var poolBatches: Int
    /// Pairs with a longer source or target (in tokens, 0 = no limit) are left out of training.
    public var maxSourceLength: Int
    public var maxTargetLength: Int

    public init(
        maxTokens: Int = 4096, maxSentences: Int = 128, poolBatches: Int = 100,
        maxSourceLength: Int = 0, maxTargetLength: Int = 0
    ) {
        self.maxTokens = maxTokens
        self.maxSentences = maxSentences
        self.poolBatches = poolBatches
        self.maxSourceLength = maxSourceLength
        self.maxTargetLength = maxTargetLength
    }
}

/// A place in training: batch `batch` (0-based) of epoch `epoch` (1-based) is the next to run.
public struct BatchPosition: Codable, Equatable, Hashable, Comparable, Sendable {
    public var epoch: Int
    public var batch: Int

    public init(epoch: Int, batch: Int) {
        self.epoch = epoch
        self.batch = batch
    }

    public static let start = BatchPosition(epoch: 1, batch: 0)

    public static func < (a: BatchPosition, b: BatchPosition) -> Bool { (a.epoch, a.batch) < (b.epoch, b.batch) }
}

/// Decides which pairs go together in each batch of each epoch.
///
/// Per epoch: the pairs are shuffled, cut into pools, each pool is sorted by
/// (source length, target length) and cut greedily into batches within the budget, each
/// batch's pairs are put in order of decreasing target length, then the order of all
/// batches is shuffled. Everything is drawn from a generator
/// seeded by (seed, epoch), so an epoch's plan depends on nothing else and a run can
/// resume at any `BatchPosition` with exactly the batches it would have seen.
public final class BatchPlanner {
    public let options: BatchingOptions
    public let seed: UInt64
    private let sourceLengths: [Int32]
    private let targetLengths: [Int32]
    /// Indices of the pairs within the length limits, in corpus order.
    public let included: [Int]
    private var cached: (epoch: Int, batches: [[Int]])?

    public init(sourceLengths: [Int], targetLengths: [Int], options: BatchingOptions, seed: UInt64) {
        precondition(sourceLengths.count == targetLengths.count)
        precondition(options.maxTokens > 0 && options.maxSentences > 0 && options.poolBatches > 0)
        self.options = options
        self.seed = seed
        self.sourceLengths = sourceLengths.map { Int32(clamping: $0) }
        self.targetLengths = targetLengths.map { Int32(clamping: $0) }
        included = sourceLengths.indices.filter {
            (options.maxSourceLength <= 0 || sourceLengths[$0] <= options.maxSourceLength)
                && (options.maxTargetLength <= 0 || targetLengths[$0] <= options.maxTargetLength)
        }
    }

    public convenience init<C: ParallelCorpus>(corpus: C, options: BatchingOptions, seed: UInt64) {
        let n = corpus.pairCount
        self.init(
            sourceLengths: (0..<n).map(corpus.sourceLength), targetLengths: (0..<n).map(corpus.targetLength),
            options: options, seed: seed)
    }

    /// Pairs left out by the length limits.
    public var excludedCount: Int { sourceLengths.count - included.count }

    /// The generator for one epoch's plan.
    private func generator(epoch: Int) -> SeededRandom {
        SeededRandom(seed: seed ^ (UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The batches of `epoch` (1-based), each a list of pair indices, in training order.
    public func batches(epoch: Int) -> [[Int]] {
        if let cached, cached.epoch == epoch { return cached.batches }
        let rng = generator(epoch: epoch)
        var order = included
        rng.shuffle(&order)
        let poolSize = max(1, options.maxSentences * options.poolBatches)
        var result: [[Int]] = []
        result.reserveCapacity(order.count / max(1, options.maxSentences / 2) + 1)
        var start = 0
        while start < order.count {
            let pool = order[start..<min(start + poolSize, order.count)]
            start += poolSize
            let sorted = pool.enumerated().sorted {
                let a = (sourceLengths[$0.element], targetLengths[$0.element], $0.offset)
                let b = (sourceLengths[$1.element], targetLengths[$1.element], $1.offset)
                return a < b
            }.map(\.element)
            var batch: [Int] = []
            var longest = 0
            for i in sorted {
                let steps = Int(targetLengths[i]) + 1
                let wider = max(longest, steps)
                if !batch.isEmpty, batch.count + 1 > options.maxSentences || (batch.count + 1) * wider > options.maxTokens {
                    result.append(longestTargetsFirst(batch))
                    batch = []
                    longest = 0
                }
                batch.append(i)
                longest = max(longest, steps)
            }
            if !batch.isEmpty { result.append(longestTargetsFirst(batch)) }
        }
        rng.shuffle(&result)
        cached = (epoch, result)
        return result
    }

    /// A batch's pairs by decreasing target length (ties in their order): the decoder's
    /// per-step products then cover only the sentences still running, a prefix of the rows.
    private func longestTargetsFirst(_ batch: [Int]) -> [Int] {
        batch.enumerated().sorted {
            (targetLengths[$1.element], $0.offset) < (targetLengths[$0.element], $1.offset)
        }.map(\.element)
    }

    public func batchCount(epoch: Int) -> Int { batches(epoch: epoch).count }

    /// The batches still to run from `position` to the end of its epoch.
    public func remainingBatches(from position: BatchPosition) -> ArraySlice<[Int]> {
        let all = batches(epoch: position.epoch)
        return all[min(max(position.batch, 0), all.count)...]
    }

    /// The position after running the batch at `position` (rolling over to the next epoch).
    public func position(after position: BatchPosition) -> BatchPosition {
        position.batch + 1 < batchCount(epoch: position.epoch)
            ? BatchPosition(epoch: position.epoch, batch: position.batch + 1)
            : BatchPosition(epoch: position.epoch + 1, batch: 0)
    }
}
