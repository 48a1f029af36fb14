import MTTensor

/// score(h, s) = hᵀ W_a s: the query dotted with the keys W_a s, projected once per batch.
public final class GeneralScore<T: Real>: AttentionScorer {
    /// [H, Hs], `<name>.w_a`.
    public let wA: Parameter<T>
    private let projection: AttentionKeyProjection<T>
    public var keySize: Int { projection.keySize }

    public init(
        _ store: ParameterStore<T>, name: String, querySize: Int, memorySize: Int,
        attentionSize: Int?, initializer: Initializer, rng: SeededRandom
    ) {
        wA = store.make("\(name).w_a", [querySize, memorySize], initializer, rng: rng)
        projection = AttentionKeyProjection(wA)
    }

    public func prepare(_ batch: AttentionBatch<T>) { projection.project(batch) }
    public func sizeSteps(_ steps: Int, _ batch: AttentionBatch<T>) {}
    public func beginStep(_ t: Int, query: UnsafePointer<T>, _ batch: AttentionBatch<T>) {}

    public func score(
        row r: Int, sentence: Int, step t: Int, query: UnsafePointer<T>, _ batch: AttentionBatch<T>,
        into scores: UnsafeMutablePointer<T>
    ) {
        DotScore.scores(
            query, keys: projection.keys.data + sentence * batch.sourceLength * keySize, size: keySize,
            length: batch.lengths + r, sourceLength: batch.sourceLength, into: scores)
    }

    public func beginBackward(_ batch: AttentionBatch<T>) { projection.beginBackward(batch) }

    public func stepBackward(
        _ t: Int, dScores: UnsafePointer<T>, queries: UnsafePointer<T>, ldq: Int,
        _ batch: AttentionBatch<T>, dQuery: UnsafeMutablePointer<T>, dMemory: UnsafeMutablePointer<T>
    ) {
        DotScore.backward(
            dScores: dScores, queries: queries, ldq: ldq, keys: projection.keys.data, size: keySize, batch,
            dQuery: dQuery, dKeys: projection.dKeys.data)
    }

    public func finishBackward(_ batch: AttentionBatch<T>, dMemory: UnsafeMutablePointer<T>) {
        projection.finishBackward(batch, dMemory: dMemory)
    }
}
