import MTModel

extension Seq2SeqConfig {
    /// A number of parameters every model of this configuration has at least: the
    /// embeddings and each layer's recurrent weights (at least (hidden/2)² per encoder
    /// layer, for the two directions of a bidirectional one, and hidden² per decoder layer).
    /// A model file is checked against it before the model is made, so a small file whose
    /// configuration claims a huge model is an error, not an allocation that fails; so is
    /// a training configuration too large for the machine's memory. Nil when it does not
    /// fit in an Int.
    public var parameterFloor: Int? {
        let h = model.hiddenSize, e = model.embeddingSize
        let terms = [
            product(model.encoderLayers, h / 2, h / 2), product(model.decoderLayers, h, h),
            product(sourceVocabularySize, e), product(targetVocabularySize, e),
        ]
        var total = 0
        for term in terms {
            guard let term else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(term)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }
}

/// The product of non-negative factors, or nil when one is negative or it overflows.
private func product(_ factors: Int...) -> Int? {
    var p = 1
    for f in factors {
        guard f >= 0 else { return nil }
        let (q, overflow) = p.multipliedReportingOverflow(by: f)
        guard !overflow else { return nil }
        p = q
    }
    return p
}
