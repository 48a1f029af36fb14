import MTModel
import MTTensor

/// Data-parallel forward and backward over W workers on one machine.
///
/// Each batch is split into W parts by sentences (consecutive columns, balanced by target
/// tokens). Worker 0 runs the primary model on part 0 on the calling thread; worker k runs
/// replica k (the primary's parameter values, its own gradients and workspaces) on part k
/// on a pool thread. Every part divides its loss by the whole batch's target tokens, so
/// the sum of the workers' gradients is the whole batch's gradient; it is summed into the
/// primary's gradients in the fixed order 0, 1, …, W−1 (each worker adds up one span of
/// the flat gradient buffers), so results do not depend on thread timing.
///
/// Dropout: per batch, W seeds are drawn from the caller's generator, one stream per
/// worker, so the same seed, data and W give the same model, and the caller's generator
/// state alone is enough to resume.
public final class ThreadReducer<T: Real>: GradientReducer {
    public let model: Seq2Seq<T>
    /// Workers 1..<W.
    public let replicas: [Seq2Seq<T>]
    public var workers: Int { replicas.count + 1 }
    private let pool: WorkerPool
    /// Per worker: its slices (parameter index, first element, count) of the parameters.
    private let slices: [[(parameter: Int, offset: Int, count: Int)]]
    /// Per worker: the range of the flat gradient buffers its slices cover (with the zero
    /// padding between parameters), for the element-wise sum and scaling.
    private let spans: [Range<Int>]

    public init(model: Seq2Seq<T>, workers: Int) {
        precondition(workers >= 1, "workers must be at least 1")
        self.model = model
        replicas = (1..<workers).map { _ in Seq2Seq<T>(sharingParametersWith: model) }
        pool = WorkerPool(count: workers)
        let slices = balancedParameterSlices(counts: model.store.parameters.map(\.count), parts: workers)
        self.slices = slices
        let offsets = model.store.gradientOffsets
        spans = slices.map { mine in
            guard let first = mine.first, let last = mine.last else { return 0..<0 }
            return (offsets[first.parameter] + first.offset)..<(offsets[last.parameter] + last.offset + last.count)
        }
    }

    /// Runs `body` over the element slices of the primary's parameters, each worker its own
    /// slices at once (every element exactly once, always by the same worker).
    public func parameterSlices(_ body: (_ parameter: Int, _ offset: Int, _ count: Int) -> Void) {
        let slices = self.slices
        withoutActuallyEscaping(body) { body in
            pool.run { k in
                for s in slices[k] { body(s.parameter, s.offset, s.count) }
            }
        }
    }

    /// `ParameterStore.clipGradients` with the work shared out: partial sums of squares per
    /// slice, added up in slice order (so the norm does not depend on thread timing).
    @discardableResult
    public func clipGradients(maxNorm: Double) -> Double {
        let g = model.store.gradients.baseAddress!, offsets = model.store.gradientOffsets
        let slices = self.slices, spans = self.spans
        let all = slices.flatMap { $0 }
        var partial = [Double](repeating: 0, count: all.count)
        let firstIndex = slices.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        partial.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            pool.run { k in
                for (j, s) in slices[k].enumerated() {
                    out[firstIndex[k] + j] = T.sumOfSquares(g + offsets[s.parameter] + s.offset, s.count)
                }
            }
        }
        let norm = partial.reduce(0, +).squareRoot()
        if maxNorm > 0, norm > maxNorm, norm.isFinite {
            let factor = T(maxNorm / norm)
            pool.run { k in T.scale(factor, g + spans[k].lowerBound, spans[k].count) }
        }
        return norm
    }

    /// Zeroes every worker's gradients, runs forward and backward on the parts, and leaves
    /// the whole batch's gradient (of loss / `normalizer`) in the primary's store. Returns
    /// the sums over the whole batch.
    @discardableResult
    public func forwardBackward(
        _ batch: Batch, normalizer: Int, training: Bool, rng: SeededRandom
    ) -> CrossEntropySums {
        let seeds = (0..<workers).map { _ in rng.next() }
        let parts = batch.balancedColumnRanges(parts: workers).map { batch.columns($0) }
        let sums = forwardBackward(parts: parts, seeds: seeds, normalizer: normalizer, training: training)
        var result = CrossEntropySums()
        for s in sums {
            result.loss += s.loss
            result.nll += s.nll
            result.tokens += s.tokens
        }
        return result
    }

    /// Several batches for one update (`training.accumulate_steps`): per batch, seeds and
    /// parts as for one; each worker adds up its parts' gradients over the batches, and the
    /// workers' sums are then summed in the order 0, 1, …, W−1. The sums are added up batch
    /// by batch, worker by worker.
    @discardableResult
    public func forwardBackward(
        _ batches: [Batch], normalizer: Int, training: Bool, rng: SeededRandom
    ) -> CrossEntropySums {
        var result = CrossEntropySums()
        for (i, batch) in batches.enumerated() {
            let seeds = (0..<workers).map { _ in rng.next() }
            let parts = batch.balancedColumnRanges(parts: workers).map { batch.columns($0) }
            let sums = forwardBackward(
                parts: parts, seeds: seeds, normalizer: normalizer, training: training,
                zeroing: i == 0, summing: i == batches.count - 1)
            for s in sums {
                result.loss += s.loss
                result.nll += s.nll
                result.tokens += s.tokens
            }
        }
        return result
    }

    /// Worker k runs forward and backward on `parts[k]` (nothing when k ≥ parts.count) with
    /// dropout seed `seeds[k]`, dividing by `normalizer`. `zeroing`: the workers' gradients are
    /// zeroed first (else added to). `summing`: the workers' gradients are then summed into the
    /// primary's in the order 0, 1, …, W−1; else each worker's store keeps its own, for a caller
    /// that sums them in a larger order (across processes). Returns each worker's sums.
    public func forwardBackward(
        parts: [Batch], seeds: [UInt64], normalizer: Int, training: Bool, zeroing: Bool = true, summing: Bool = true
    ) -> [CrossEntropySums] {
        let w = workers
        precondition(seeds.count == w && parts.count <= w, "one seed per worker, at most one part each")
        let models = [model] + replicas
        var sums = [CrossEntropySums](repeating: CrossEntropySums(), count: w)
        sums.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            pool.run { k in
                let model = models[k]
                if zeroing { model.store.zeroGradients() }
                guard k < parts.count else { return model.reportGradientsFinal() }
                out[k] = model.forwardBackward(
                    parts[k], training: training, rng: SeededRandom(seed: seeds[k]), normalizer: normalizer)
            }
        }
        if w > 1, summing {
            let flat = models.map { $0.store.gradients.baseAddress! }, spans = self.spans
            pool.run { k in
                let g = flat[0] + spans[k].lowerBound, n = spans[k].count
                for r in 1..<w { T.add(g, flat[r] + spans[k].lowerBound, g, n) }
            }
        }
        return sums
    }
}
