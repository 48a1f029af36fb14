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
///
/// `overlap`: the cross-rank sum runs bucket by bucket on a communication thread while the
/// backward pass of the update's last batch goes on (`OverlappedGradientSum`), each bucket
/// as soon as every worker of the rank has made it final. Every element is summed in the
/// same order as without overlap, so the exact sum stays bit for bit the same.
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
    /// (`waitSeconds`, measured by a one-byte all-gather before the sum). With overlap, the
    /// first is the time after the backward pass only, and there is no second.
    public private(set) var communicationSeconds = 0.0
    public private(set) var waitSeconds = 0.0
    /// Whether the sum overlaps the backward pass (asked for, more than one rank, and a
    /// communicator that a communication thread may call).
    public var overlaps: Bool { overlapped != nil }
    /// With overlap: seconds the communication thread spent summing, since the start; of
    /// those, the ones after the backward pass are in `communicationSeconds`, the rest
    /// were hidden behind it.
    public var overlappedSeconds: Double { overlapped?.busySeconds ?? 0 }
    public var hiddenSeconds: Double { overlapped.map { max(0, $0.busySeconds - $0.exposedSeconds) } ?? 0 }
    /// With overlap: per `GradientStage`, the mean seconds from its gradients being final
    /// to the end of the backward pass, and its share of the gradient buffer.
    public var stageTimeline: [(leadSeconds: Double, share: Double)] {
        guard let overlapped, overlapped.updates > 0 else { return [] }
        let total = Double(model.store.gradients.count)
        return overlapped.leadSeconds.indices.map { s in
            let elements = overlapped.buckets.filter { $0.stage == s }.reduce(0) { $0 + $1.range.count }
            return (overlapped.leadSeconds[s] / Double(overlapped.updates), Double(elements) / total)
        }
    }
    /// Elements per message of the all-reduce, and per round of the exact sum at most: keeps
    /// every count far below MPI's limit of 2³¹ − 1 and the exact sum's buffers small.
    public let chunkElements: Int

    private let threads: ThreadReducer<T>?
    private let single: SingleWorkerReducer<T>
    /// P workers' slices, one after the other, for the norm.
    private let normSlices: [(parameter: Int, offset: Int, count: Int)]
    /// Elements of one rank's segment in a round of the exact sum.
    private let segmentElements: Int
    /// The exact sum's blocks to send and received (P segments each), the segment's sum,
    /// and a round gathered.
    private var exchange: [T]
    private var overlapped: OverlappedGradientSum?

    public init(
        model: Seq2Seq<T>, workers: Int, communicator: any Communicator, summation: GradientSummation = .exact,
        chunkElements: Int = 1 << 20, overlap: Bool = true
    ) {
        precondition(workers >= 1, "workers must be at least 1")
        self.model = model
        self.workers = workers
        self.communicator = communicator
        self.summation = summation
        self.chunkElements = max(16, chunkElements)
        threads = workers > 1 ? ThreadReducer(model: model, workers: workers) : nil
        single = SingleWorkerReducer(model: model)
        let p = communicator.size * workers
        normSlices = balancedParameterSlices(counts: model.store.parameters.map(\.count), parts: p).flatMap { $0 }
        // Segments of at most chunk / R elements, no longer than the buffer needs (a multiple of 16).
        let ranks = communicator.size, n = model.store.gradients.count
        segmentElements = max(16, min(self.chunkElements / ranks, (n + ranks - 1) / ranks + 15) / 16 * 16)
        exchange = communicator.size > 1 && summation == .exact
            ? [T](repeating: 0, count: segmentElements * (2 * p + 1 + communicator.size)) : []
        if overlap, ranks > 1, communicator.allowsCallsFromAnyThread {
            // A bucket is one round of the exact sum, or one message of the all-reduce.
            overlapped = OverlappedGradientSum(
                stages: model.gradientStages, offsets: model.store.gradientOffsets,
                counts: model.store.parameters.map(\.count),
                maxElements: summation == .exact ? segmentElements * ranks : self.chunkElements
            ) { [unowned self] range, overlap in self.sum(range, overlap: overlap) }
        }
    }

    deinit { overlapped?.stop() }

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
        let models = [model] + (threads?.replicas ?? [])
        for (i, batch) in batches.enumerated() {
            let seeds = (0..<parts).map { _ in rng.next() }
            let ranges = batch.balancedColumnRanges(parts: parts)
            let own = mine.filter { $0 < ranges.count }.map { batch.columns(ranges[$0]) }
            // The last batch makes the gradients final: its backward pass reports them.
            let overlap = i == batches.count - 1 ? overlapped : nil
            if let overlap {
                overlap.begin(workers: w)
                for m in models { m.gradientsFinal = { overlap.report($0) } }
            }
            var sums: [CrossEntropySums]
            if let threads {
                // The exact sum adds up every part's gradient itself, in the order of all parts;
                // with overlap, the fast one adds up the workers' bucket by bucket.
                let summing = i == batches.count - 1 && summation == .fast && overlapped == nil
                sums = threads.forwardBackward(
                    parts: own, seeds: Array(seeds[mine]), normalizer: normalizer, training: training,
                    zeroing: i == 0, summing: summing)
            } else {
                if i == 0 { model.store.zeroGradients() }
                sums = own.map {
                    model.forwardBackward($0, training: training, rng: SeededRandom(seed: seeds[rank]), normalizer: normalizer)
                }
                if sums.isEmpty {
                    sums = [CrossEntropySums()]
                    model.reportGradientsFinal()
                }
            }
            if let overlap {
                for m in models { m.gradientsFinal = nil }
                overlap.finishComputing()
            }
            for s in sums { local += [s.loss, s.nll, Double(s.tokens)] }
        }
        let start = monotonicSeconds()
        if let overlapped {
            overlapped.wait()
        } else if communicator.size > 1 {
            _ = communicator.allGather(UInt8(0))
            waitSeconds += monotonicSeconds() - start
            switch summation {
            case .exact: sumInOrder(0..<model.store.gradients.count, overlap: nil)
            case .fast: sumWithAllReduce(0..<model.store.gradients.count, overlap: nil)
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

    /// The ordered sum as a reduce-scatter and an all-gather, round by round over `elements`
    /// of the flat buffer (with `overlap`, one bucket's, with non-blocking operations polled
    /// on the communication thread): each round's elements are cut into one segment per rank; every rank sends
    /// segment d of each of its parts' gradients to rank d (an all-to-all), rank d adds up
    /// the P parts' segments in the order 0, 1, …, P−1, and an all-gather returns the sums
    /// to every rank. Each link carries 2 (R−1)/R of the buffer (with one worker per rank),
    /// as a ring all-reduce does.
    private func sumInOrder(_ elements: Range<Int>, overlap: OverlappedGradientSum?) {
        let g = model.store.gradients.baseAddress!
        let ranks = communicator.size, w = workers, p = parts
        let buffers = [g] + (threads?.replicas.map { $0.store.gradients.baseAddress! } ?? [])
        let seg = segmentElements, round = seg * ranks, size = MemoryLayout<T>.stride
        func bytes(_ start: UnsafeMutablePointer<T>, _ count: Int) -> UnsafeMutableRawBufferPointer {
            UnsafeMutableRawBufferPointer(start: start, count: count * size)
        }
        exchange.withUnsafeMutableBufferPointer { buffer in
            let send = buffer.baseAddress!, received = send + p * seg, sum = received + p * seg, gathered = sum + seg
            for lo in stride(from: elements.lowerBound, to: elements.upperBound, by: round) {
                let count = min(round, elements.upperBound - lo)
                // Block (d, k): segment d of part k, for rank d; one worker's whole round is that already.
                var source = g + lo
                if w > 1 || count < round {
                    source = send
                    for d in 0..<ranks {
                        for k in 0..<w {
                            let block = send + (d * w + k) * seg, m = max(0, min(seg, count - d * seg))
                            if m > 0 { block.update(from: buffers[k] + lo + d * seg, count: m) }
                            if m < seg { T.fill(block + m, 0, seg - m) }
                        }
                    }
                }
                let blocks = UnsafeRawBufferPointer(bytes(source, p * seg))
                if let overlap {
                    overlap.complete(communicator.startAllToAll(blocks, into: bytes(received, p * seg)), on: communicator)
                } else {
                    communicator.allToAll(blocks, into: bytes(received, p * seg))
                }
                sum.update(from: received, count: seg)
                for q in 1..<p { T.add(sum, received + q * seg, sum, seg) }
                let target = count == round ? g + lo : gathered
                if let overlap {
                    overlap.complete(
                        communicator.startAllGather(UnsafeRawBufferPointer(bytes(sum, seg)), into: bytes(target, round)),
                        on: communicator)
                } else {
                    communicator.allGather(UnsafeRawBufferPointer(bytes(sum, seg)), into: bytes(target, round))
                }
                if count < round { (g + lo).update(from: gathered, count: count) }
            }
        }
    }

    private func sumWithAllReduce(_ elements: Range<Int>, overlap: OverlappedGradientSum?) {
        let g = model.store.gradients
        for lo in stride(from: elements.lowerBound, to: elements.upperBound, by: chunkElements) {
            let part = UnsafeMutableBufferPointer(rebasing: g[lo..<min(lo + chunkElements, elements.upperBound)])
            if T.self == Float.self {
                part.withMemoryRebound(to: Float.self) {
                    if let overlap {
                        overlap.complete(communicator.startAllReduceSum($0), on: communicator)
                    } else {
                        communicator.allReduceSum($0)
                    }
                }
            } else if T.self == Double.self {
                part.withMemoryRebound(to: Double.self) {
                    if let overlap {
                        overlap.complete(communicator.startAllReduceSum($0), on: communicator)
                    } else {
                        communicator.allReduceSum($0)
                    }
                }
            } else {
                preconditionFailure("all-reduce of \(T.self)")
            }
        }
    }

    /// One bucket, on the communication thread. The fast sum first adds up the workers'
    /// gradients in the order 0, 1, …, W−1, as `ThreadReducer` does without overlap.
    private func sum(_ elements: Range<Int>, overlap: OverlappedGradientSum) {
        switch summation {
        case .exact:
            sumInOrder(elements, overlap: overlap)
        case .fast:
            if let threads {
                let g = model.store.gradients.baseAddress! + elements.lowerBound, n = elements.count
                for r in threads.replicas { T.add(g, r.store.gradients.baseAddress! + elements.lowerBound, g, n) }
            }
            sumWithAllReduce(elements, overlap: overlap)
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
