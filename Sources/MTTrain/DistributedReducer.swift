import MTCore
import MTModel
import MTTensor

/// Data-parallel forward and backward across the ranks of a `Communicator`, each rank with
/// `workers` in-process workers: P = ranks × workers parts per batch, exactly as one
/// `ThreadReducer` with P workers would make them.
///
/// Every rank reads the same batches and draws the same P dropout seeds from the same
/// generator; rank r runs parts r·W ..< (r+1)·W (of `balancedColumnRanges(parts: P)`) on its
/// model and replicas, each divided by the whole batch's `normalizer`. The flat gradient
/// buffers are then summed across the ranks in chunks (`GradientSummation`), and the loss
/// sums are gathered and added up part by part. Every rank then holds the same gradient;
/// the norm is summed over the slices of P workers in their order, so clipping, the update
/// and so the parameters are bit for bit those of the in-process run with P workers
/// (summation `.exact`), without parameters ever being sent.
public final class DistributedReducer<T: Real>: GradientReducer {
    public let model: Seq2Seq<T>
    public let communicator: any Communicator
    /// In-process workers per rank.
    public let workers: Int
    public let summation: GradientSummation
    /// Parts of every batch: ranks × workers.
    public var parts: Int { communicator.size * workers }
    /// Seconds spent summing gradients and loss across the ranks, since the start: in all
    /// (`communicationSeconds`), and of that, waiting for the slowest rank to arrive
    /// (`waitSeconds`, measured by a one-byte all-gather before the sum).
    public private(set) var communicationSeconds = 0.0
    public private(set) var waitSeconds = 0.0
    /// Elements per message: pipelines the exact sum's chain and keeps every count far
    /// below MPI's limit of 2³¹ − 1.
    public static var chunkElements: Int { 1 << 20 }

    private let threads: ThreadReducer<T>?
    private let single: SingleWorkerReducer<T>
    /// P workers' slices, one after the other, for the norm.
    private let normSlices: [(parameter: Int, offset: Int, count: Int)]
    /// One chunk received from the previous rank (exact summation).
    private var incoming: [T]

    public init(model: Seq2Seq<T>, workers: Int, communicator: any Communicator, summation: GradientSummation = .exact) {
        precondition(workers >= 1, "workers must be at least 1")
        self.model = model
        self.workers = workers
        self.communicator = communicator
        self.summation = summation
        threads = workers > 1 ? ThreadReducer(model: model, workers: workers) : nil
        single = SingleWorkerReducer(model: model)
        let p = communicator.size * workers
        normSlices = balancedParameterSlices(counts: model.store.parameters.map(\.count), parts: p).flatMap { $0 }
        incoming = communicator.size > 1 && summation == .exact ? [T](repeating: 0, count: Self.chunkElements) : []
    }

    @discardableResult
    public func forwardBackward(
        _ batch: Batch, normalizer: Int, training: Bool, rng: SeededRandom
    ) -> CrossEntropySums {
        forwardBackward([batch], normalizer: normalizer, training: training, rng: rng)
    }

    @discardableResult
    public func forwardBackward(
        _ batches: [Batch], normalizer: Int, training: Bool, rng: SeededRandom
    ) -> CrossEntropySums {
        // One part in all: the single worker's own steps (dropout straight from `rng`).
        if parts == 1 { return single.forwardBackward(batches, normalizer: normalizer, training: training, rng: rng) }
        let w = workers, rank = communicator.rank
        let mine = (rank * w)..<((rank + 1) * w)
        // Per batch, per own part: loss, NLL, tokens.
        var local: [Double] = []
        local.reserveCapacity(batches.count * w * 3)
        for (i, batch) in batches.enumerated() {
            let seeds = (0..<parts).map { _ in rng.next() }
            let ranges = batch.balancedColumnRanges(parts: parts)
            let own = mine.filter { $0 < ranges.count }.map { batch.columns(ranges[$0]) }
            var sums: [CrossEntropySums]
            if let threads {
                // Rank 0's parts come first in the order, so its workers may sum at once.
                let summing = i == batches.count - 1 && (summation == .fast || rank == 0)
                sums = threads.forwardBackward(
                    parts: own, seeds: Array(seeds[mine]), normalizer: normalizer, training: training,
                    zeroing: i == 0, summing: summing)
            } else {
                if i == 0 { model.store.zeroGradients() }
                sums = own.map {
                    model.forwardBackward($0, training: training, rng: SeededRandom(seed: seeds[rank]), normalizer: normalizer)
                }
                if sums.isEmpty { sums = [CrossEntropySums()] }
            }
            for s in sums { local += [s.loss, s.nll, Double(s.tokens)] }
        }
        let start = monotonicSeconds()
        if communicator.size > 1 {
            _ = communicator.allGather(UInt8(0))
            waitSeconds += monotonicSeconds() - start
            switch summation {
            case .exact: sumInOrder()
            case .fast: sumWithAllReduce()
            }
        }
        let all = gather(local)
        communicationSeconds += monotonicSeconds() - start
        // Batch by batch, part by part, as the in-process reducer adds them up.
        var total = CrossEntropySums()
        let perRank = batches.count * w * 3
        for i in 0..<batches.count {
            for part in 0..<parts {
                let at = (part / w) * perRank + (i * w + part % w) * 3
                total.loss += all[at]
                total.nll += all[at + 1]
                total.tokens += Int(all[at + 2])
            }
        }
        return total
    }

    /// Every rank's loss sums, rank after rank.
    private func gather(_ local: [Double]) -> [Double] {
        var all = [Double](repeating: 0, count: local.count * communicator.size)
        local.withUnsafeBytes { mine in all.withUnsafeMutableBytes { communicator.allGather(mine, into: $0) } }
        return all
    }

    /// The chain: rank r waits for the sum of ranks before it (chunk by chunk), adds its own
    /// parts in their order, passes the chunk on; the last rank then broadcasts the total.
    private func sumInOrder() {
        let g = model.store.gradients.baseAddress!, n = model.store.gradients.count
        let rank = communicator.rank, last = communicator.size - 1
        let replicas = threads?.replicas.map { $0.store.gradients.baseAddress! } ?? []
        let chunk = Self.chunkElements
        let size = MemoryLayout<T>.stride
        incoming.withUnsafeMutableBufferPointer { buffer in
            let previous = buffer.baseAddress!
            for lo in stride(from: 0, to: n, by: chunk) {
                let count = min(chunk, n - lo), part = g + lo
                if rank > 0 {
                    communicator.receive(UnsafeMutableRawBufferPointer(start: previous, count: count * size), from: rank - 1)
                    T.add(previous, part, part, count)
                    for r in replicas { T.add(part, r + lo, part, count) }
                }
                if rank < last { communicator.send(UnsafeRawBufferPointer(start: part, count: count * size), to: rank + 1) }
            }
        }
        for lo in stride(from: 0, to: n, by: chunk) {
            let count = min(chunk, n - lo)
            communicator.broadcast(UnsafeMutableRawBufferPointer(start: g + lo, count: count * size), root: last)
        }
    }

    private func sumWithAllReduce() {
        let g = model.store.gradients
        for lo in stride(from: 0, to: g.count, by: Self.chunkElements) {
            let part = UnsafeMutableBufferPointer(rebasing: g[lo..<min(lo + Self.chunkElements, g.count)])
            if T.self == Float.self {
                part.withMemoryRebound(to: Float.self) { communicator.allReduceSum($0) }
            } else if T.self == Double.self {
                part.withMemoryRebound(to: Double.self) { communicator.allReduceSum($0) }
            } else {
                preconditionFailure("all-reduce of \(T.self)")
            }
        }
    }

    /// The norm as the in-process reducer with P workers sums it: slice by slice in order.
    @discardableResult
    public func clipGradients(maxNorm: Double) -> Double {
        if parts == 1 { return single.clipGradients(maxNorm: maxNorm) }
        let g = model.store.gradients, offsets = model.store.gradientOffsets
        var squares = 0.0
        for s in normSlices { squares += T.sumOfSquares(g.baseAddress! + offsets[s.parameter] + s.offset, s.count) }
        let norm = squares.squareRoot()
        if maxNorm > 0, norm > maxNorm, norm.isFinite {
            T.scale(T(maxNorm / norm), g.baseAddress!, g.count)
        }
        return norm
    }

    public func parameterSlices(_ body: (_ parameter: Int, _ offset: Int, _ count: Int) -> Void) {
        if let threads { threads.parameterSlices(body) } else { single.parameterSlices(body) }
    }
}
