import MTTensor

/// A search packs the weights of its per-step products (recurrent, input, attention and
/// output layers) for each batch, since in training they change between batches. When they
/// no longer change, translating one sentence at a time paid for that packing at every
/// sentence: 17% of mt-translate's time at batch size 1, and of a server's answer to a
/// single-sentence request.
extension Seq2Seq {
    /// Declares that the weights stay as they are from now on (translation, after loading):
    /// each packed product is packed at its first use and kept. Replicas made afterwards do
    /// the same. A model trained further must not be fixed: its products would use the old
    /// weights.
    public func fixWeights() {
        weightsFixed = true
        var weights = attention.packedWeights
        for layer in encoder.layers { weights += layer.packedWeights }
        for layer in decoderLayers { weights += layer.packedWeights }
        for weight in weights { weight.weightFixed = true }
    }

    /// What translation does once its model is loaded: the weights stay as they are, so the
    /// decoder looks its input embeddings up in a table (made before any replica, so that all
    /// of them share it) and each product is packed once.
    public func prepareForTranslation() {
        if targetInputTable == nil { prepareTargetInputTable() }
        fixWeights()
    }
}
