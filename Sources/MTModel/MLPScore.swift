import MTTensor

/// score(h, s) = vᵀ tanh(W_q h + W_k s + b), Bahdanau's concat score, of inner width A.
///
/// The keys W_k s + b are projected once per batch and W_q h once per step (all rows in one
/// GEMM); only the tanh and the dot with v run per source position.
public final class MLPScore<T: Real>: AttentionScorer {
    public let querySize: Int
    /// [A, H], `<name>.w_q`.
    public let wQ: Parameter<T>
    /// [A, Hs], `<name>.w_k`.
    public let wK: Parameter<T>
    /// [A], `<name>.b`, added to the keys.
    public let b: Parameter<T>
    /// [A], `<name>.v`.
    public let v: Parameter<T>
    private let projection: AttentionKeyProjection<T>
    public var keySize: Int { projection.keySize }

    /// W_q h of each step [steps, B, A].
    private let queryProjection = Tensor<T>([0])
    // Workspaces.
    private let hidden = Tensor<T>([0])             // [B, S, A]: tanh(keys + W_q h)
    private let scratchScores = Tensor<T>([0])      // [B, S]
    private let dQueryProjection = Tensor<T>([0])   // [B, A]

    /// `attentionSize` is A (default H).
    public init(
        _ store: ParameterStore<T>, name: String, querySize: Int, memorySize: Int,
        attentionSize: Int?, initializer: Initializer, rng: SeededRandom
    ) {
        let a = attentionSize ?? querySize
        self.querySize = querySize
        wQ = store.make("\(name).w_q", [a, querySize], initializer, rng: rng)
        wK = store.make("\(name).w_k", [a, memorySize], initializer, rng: rng)
        b = store.make("\(name).b", [a], .zeros, rng: rng)
        v = store.make("\(name).v", [a], initializer, rng: rng)
        projection = AttentionKeyProjection(wK)
    }

    public func prepare(_ batch: AttentionBatch<T>) {
        projection.project(batch)
        T.addRowVector(b.value.data, projection.keys.data, rows: batch.rows * batch.sourceLength, cols: keySize)
    }

    public func sizeSteps(_ steps: Int, _ batch: AttentionBatch<T>) {
        let bsz = batch.rows, s = batch.sourceLength
        queryProjection.resize([steps, bsz, keySize])
        hidden.resize([bsz, s, keySize])
        scratchScores.resize([bsz, s])
        dQueryProjection.resize([bsz, keySize])
    }

    public func beginStep(_ t: Int, query: UnsafePointer<T>, _ batch: AttentionBatch<T>) {
        T.gemm(
            transA: false, transB: true, m: batch.rows, n: keySize, k: querySize,
            alpha: 1, a: query, lda: querySize, b: wQ.value.data, ldb: querySize,
            beta: 0, c: queryProjection.slice(t), ldc: keySize)
    }

    public func score(
        row r: Int, sentence: Int, step t: Int, query: UnsafePointer<T>, _ batch: AttentionBatch<T>,
        into scores: UnsafeMutablePointer<T>
    ) {
        let s = batch.sourceLength
        T.attentionMLPScores(
            keys: projection.keys.data + sentence * s * keySize, query: queryProjection.slice(t) + r * keySize,
            v: v.value.data, hidden: hidden.data + r * s * keySize, scores: scores,
            batch: 1, length: s, dim: keySize)
    }

    public func beginBackward(_ batch: AttentionBatch<T>) { projection.beginBackward(batch) }

    public func stepBackward(
        _ t: Int, dScores: UnsafePointer<T>, queries: UnsafePointer<T>, ldq: Int,
        _ batch: AttentionBatch<T>, dQuery: UnsafeMutablePointer<T>, dMemory: UnsafeMutablePointer<T>
    ) {
        let bsz = batch.rows, s = batch.sourceLength, h = querySize, aDim = keySize
        // Recompute tanh(keys + W_q h) rather than keep T copies of [B, S, A]; row b is
        // sentence b in backward, so all rows go in one call.
        T.attentionMLPScores(
            keys: projection.keys.data, query: queryProjection.slice(t), v: v.value.data,
            hidden: hidden.data, scores: scratchScores.data, batch: bsz, length: s, dim: aDim)
        T.gemm(
            transA: false, transB: false, m: 1, n: aDim, k: bsz * s,
            alpha: 1, a: dScores, lda: bsz * s, b: hidden.data, ldb: aDim,
            beta: 1, c: v.grad.data, ldc: aDim)
        dQueryProjection.zero()
        T.attentionMLPBackward(
            hidden: hidden.data, dScores: dScores, v: v.value.data,
            dKeys: projection.dKeys.data, dQuery: dQueryProjection.data, batch: bsz, length: s, dim: aDim)
        T.gemm(
            transA: true, transB: false, m: aDim, n: h, k: bsz,
            alpha: 1, a: dQueryProjection.data, lda: aDim, b: queries, ldb: ldq,
            beta: 1, c: wQ.grad.data, ldc: h)
        T.gemm(
            transA: false, transB: false, m: bsz, n: h, k: aDim,
            alpha: 1, a: dQueryProjection.data, lda: aDim, b: wQ.value.data, ldb: h,
            beta: 1, c: dQuery, ldc: h)
    }

    public func finishBackward(_ batch: AttentionBatch<T>, dMemory: UnsafeMutablePointer<T>) {
        projection.finishBackward(batch, dMemory: dMemory)
        T.sumRows(projection.dKeys.data, b.grad.data, rows: batch.rows * batch.sourceLength, cols: keySize)
    }
}
