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

    /// Notes step t's ids, whose table rows the first layer will look up (no-op without a table).
    func lookUpTargetInput(_ t: Int, ids: UnsafePointer<Int32>) {
        guard targetInputTable != nil else { return }
        projectedIds = Array(UnsafeBufferPointer(start: ids, count: batchSize))
        projectedStep = t
    }

    /// The first decoder layer's step t, looking up the table rows when the ids are this step's.
    func stepFirstDecoderLayer(_ t: Int, input: UnsafePointer<T>) {
        if let table = targetInputTable, projectedStep == t {
            projectedIds.withUnsafeBufferPointer {
                decoderLayers[0].step(
                    t, input: input, projectedColumns: config.embeddingSize, table: table.data, ids: $0.baseAddress!)
            }
            projectedStep = -1
        } else {
            decoderLayers[0].step(t, input: input)
        }
    }
}
