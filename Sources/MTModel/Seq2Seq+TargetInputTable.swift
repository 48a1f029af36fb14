import MTTensor

/// At each decoding step the first decoder layer multiplies the embedding of the previous
/// token by its share of the input weights. With `prepareTargetInputTable()` that product is
/// computed once for every target id ([V, G]: 49 MB for 6k ids and 4·512 gates) and a step
/// looks its rows up, so the per-step GEMM covers only the input-feeding columns.
///
/// The table holds the weights of the moment it was made: for inference, not training.
extension Seq2Seq {
    /// Builds the table (replicas made afterwards share it).
    public func prepareTargetInputTable() {
        let layer = decoderLayers[0], e = config.embeddingSize, v = config.targetVocabularySize
        let g = layer.weightIH.shape[0], width = layer.weightIH.shape[1]
        let table = Tensor<T>([v, g])
        T.gemm(
            transA: false, transB: true, m: v, n: g, k: e,
            alpha: 1, a: targetEmbedding.weight.value.data, lda: e, b: layer.weightIH.value.data, ldb: width,
            beta: 0, c: table.data, ldc: g)
        targetInputTable = table
    }

    /// Gathers the table rows of step t's ids (no-op without a table).
    func lookUpTargetInput(_ t: Int, ids: UnsafePointer<Int32>) {
        guard let table = targetInputTable else { return }
        let g = table.shape[1]
        projectedStepInput.resize([batchSize, g])
        for r in 0..<batchSize { T.copy(table.data + Int(ids[r]) * g, projectedStepInput.data + r * g, g) }
        projectedStep = t
    }

    /// The first decoder layer's step t, using the looked-up rows when they are this step's.
    func stepFirstDecoderLayer(_ t: Int, input: UnsafePointer<T>) {
        if targetInputTable != nil, projectedStep == t {
            decoderLayers[0].step(
                t, input: input, projectedColumns: config.embeddingSize, projected: projectedStepInput.data)
            projectedStep = -1
        } else {
            decoderLayers[0].step(t, input: input)
        }
    }
}
