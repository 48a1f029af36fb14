import MTTensor

/// score(h, s) = hᵀ s: no parameters, the memory is its own keys (needs H = Hs).
public final class DotScore<T: Real>: AttentionScorer {
    public let keySize: Int

    public init(
        _ store: ParameterStore<T>, name: String, querySize: Int, memorySize: Int,
        attentionSize: Int?, initializer: Initializer, rng: SeededRandom
    ) {
        precondition(querySize == memorySize, "dot attention needs equal sizes, got \(querySize) and \(memorySize)")
        keySize = memorySize
    }

    // No keys of its own and no per-step caches: nothing to prepare, cache or finish.
    public func prepare(_ batch: AttentionBatch<T>) {}
    public func sizeSteps(_ steps: Int, _ batch: AttentionBatch<T>) {}
    public func beginStep(_ t: Int, query: UnsafePointer<T>, _ batch: AttentionBatch<T>) {}

    public func score(
        row r: Int, sentence: Int, step t: Int, query: UnsafePointer<T>, _ batch: AttentionBatch<T>,
        into scores: UnsafeMutablePointer<T>
    ) {
        Self.scores(
            query, keys: batch.memory + sentence * batch.sourceLength * keySize, size: keySize,
            length: batch.lengths + r, sourceLength: batch.sourceLength, into: scores)
    }

    public func beginBackward(_ batch: AttentionBatch<T>) {}

    public func stepBackward(
        _ t: Int, dScores: UnsafePointer<T>, queries: UnsafePointer<T>, ldq: Int,
        _ batch: AttentionBatch<T>, dQuery: UnsafeMutablePointer<T>, dMemory: UnsafeMutablePointer<T>
    ) {
        Self.backward(
            dScores: dScores, queries: queries, ldq: ldq, keys: batch.memory, size: keySize, batch,
            dQuery: dQuery, dKeys: dMemory)
    }

    public func finishBackward(_ batch: AttentionBatch<T>, dMemory: UnsafeMutablePointer<T>) {}

    // MARK: query · key, shared with the general score (on its projected keys)

    /// scores[s] = query · keys[s] [size] for s below the row's length. Per-sentence products
    /// are too small for BLAS: call overhead would dominate.
    static func scores(
        _ query: UnsafePointer<T>, keys: UnsafePointer<T>, size: Int, length: UnsafePointer<Int32>,
        sourceLength: Int, into scores: UnsafeMutablePointer<T>
    ) {
        T.batchedRowDots(query, ldx: size, keys, scores, lengths: length, batch: 1, length: sourceLength, n: size)
    }

    /// dQuery[b] += Σ_s dScores[b, s] keys[b, s] and dKeys[b, s] += dScores[b, s] query[b] over
    /// the prepared batch; dQuery [B, size], the rest [B, S, size].
    static func backward(
        dScores: UnsafePointer<T>, queries: UnsafePointer<T>, ldq: Int, keys: UnsafePointer<T>, size: Int,
        _ batch: AttentionBatch<T>, dQuery: UnsafeMutablePointer<T>, dKeys: UnsafeMutablePointer<T>
    ) {
        let s = batch.sourceLength
        T.batchedWeightedSum(
            dScores, keys, dQuery, ldo: size, lengths: batch.lengths,
            batch: batch.rows, length: s, n: size, accumulate: true)
        T.batchedOuterAdd(
            dScores, queries, ldx: ldq, dKeys, lengths: batch.lengths, batch: batch.rows, length: s, n: size)
    }
}
