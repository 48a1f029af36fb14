import Dispatch
import Foundation
import MTModel
import MTTensor

/// Beam search on several threads: one searcher per worker, each with its own model
/// replica (decoding state lives in the model, so a model cannot be shared). Sentences are
/// independent, so the workers take whole batches — exactly those `searchInBatches` makes —
/// and the results are those of one searcher, in input order. Batches are taken longest
/// first, so the last ones to finish are short and the workers end together.
/// An ensemble's worker has a replica of each of its models.
public final class SearchWorkers<T: Real> {
    public let searchers: [BeamSearch<T>]

    /// `workers` searchers; the first uses `model` itself, the others replicas of it.
    public convenience init(model: Seq2Seq<T>, options: BeamSearchOptions, workers: Int) {
        self.init(models: [model], options: options, workers: workers)
    }

    /// `workers` searchers of the ensemble `models`; the first uses the models themselves.
    public init(models: [Seq2Seq<T>], options: BeamSearchOptions, workers: Int) {
        precondition(workers >= 1, "at least one worker")
        searchers = (0..<workers).map { w in
            BeamSearch(models: w == 0 ? models : models.map { $0.replica() }, options: options)
        }
    }

    /// n-best lists of `sources` in input order, as `BeamSearch.searchInBatches` gives them.
    public func searchInBatches(_ sources: [[Int32]], batchSize: Int) -> [[Hypothesis]] {
        let models = searchers[0].models.count
        return searchInBatches(sources.map { SearchInput(sources: Array(repeating: $0, count: models)) }, batchSize: batchSize)
    }

    /// n-best lists of `inputs` in input order, as `BeamSearch.searchInBatches` gives them.
    public func searchInBatches(_ sources: [SearchInput], batchSize: Int) -> [[Hypothesis]] {
        let batches = BeamSearch<T>.batches(lengths: sources.map(\.sources[0].count), batchSize: batchSize)
        let workers = Swift.min(searchers.count, batches.count)
        if workers <= 1 { return searchers[0].searchInBatches(sources, batchSize: batchSize) }
        let results = ResultSlots(count: sources.count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let searcher = searchers[w]
            while true {
                let taken = results.takeBatch()
                guard taken < batches.count else { return }
                let chunk = batches[batches.count - 1 - taken]   // sorted by length: longest first
                let out = searcher.search(chunk.map { sources[$0] })
                results.store(out, at: chunk)
            }
        }
        return results.values
    }
}

/// The next batch to take, and the per-sentence results written by several workers
/// (each index by exactly one).
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var nextBatch = 0
    private(set) var values: [[Hypothesis]]

    func takeBatch() -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextBatch += 1
        return nextBatch - 1
    }

    init(count: Int) { values = Array(repeating: [], count: count) }

    func store(_ lists: [[Hypothesis]], at indices: ArraySlice<Int>) {
        lock.lock()
        for (j, i) in indices.enumerated() { values[i] = lists[j] }
        lock.unlock()
    }
}
