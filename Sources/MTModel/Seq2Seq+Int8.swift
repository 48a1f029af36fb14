import MTTensor

/// The decoder's per-step products quantised to int8 (`Int8Weight`), as Marian's intgemm
/// and CTranslate2 translate: the recurrent and input products of every decoder layer
/// (the input's multiplied columns only, when its embedding share is looked up), the
/// attention's W_c and the output layer. The encoder stays in float: its input products
/// are one large GEMM per batch, and the whole encoder took 7% of a beam-5 search with int8
/// (Multi30k), so int8 could win little there.
///
/// Made once from the weights of the moment, for translation; shared by the replicas.
public struct DecoderInt8Weights: @unchecked Sendable {
    let recurrent: [Int8Weight]
    /// nil where the whole input is looked up (no input feeding, with the table).
    let stepInput: [Int8Weight?]
    let attentionOutput: Int8Weight
    /// The output layer [V, H], whose rows a shortlist takes (`Int8Weight(rows:of:)`).
    public let output: Int8Weight
}

extension Seq2Seq {
    /// Quantises the decoder (Float models only): decoding then multiplies in int8. Call
    /// after `prepareTargetInputTable` when there is one, whose columns the first layer's
    /// input product then leaves out; replicas made afterwards share the quantised weights.
    public func quantiseDecoder() {
        precondition(T.self == Float.self, "int8 decoding is for Float models")
        let e = config.embeddingSize
        func quantised(_ w: UnsafePointer<T>, outputs: Int, depth: Int, ld: Int) -> Int8Weight {
            w.withMemoryRebound(to: Float.self, capacity: 1) { Int8Weight($0, outputs: outputs, depth: depth, ld: ld) }
        }
        var recurrent: [Int8Weight] = [], stepInput: [Int8Weight?] = []
        for (l, layer) in decoderLayers.enumerated() {
            let g = layer.gateSize, h = layer.hiddenSize, width = layer.inputSize
            recurrent.append(quantised(layer.weightHH.value.data, outputs: g, depth: h, ld: h))
            let skipped = l == 0 && targetInputTable != nil ? e : 0
            stepInput.append(
                skipped < width
                    ? quantised(layer.weightIH.value.data + skipped, outputs: g, depth: width - skipped, ld: width) : nil)
        }
        let wc = attention.wC, width = wc.shape[1]
        use(DecoderInt8Weights(
            recurrent: recurrent, stepInput: stepInput,
            attentionOutput: quantised(wc.value.data, outputs: wc.shape[0], depth: width, ld: width),
            output: quantised(
                generator.weight.value.data, outputs: generator.vocabularySize, depth: generator.inputSize,
                ld: generator.inputSize)))
    }

    /// Sets the decoder's packed products to these int8 forms.
    func use(_ weights: DecoderInt8Weights) {
        int8Weights = weights
        for (l, layer) in decoderLayers.enumerated() {
            layer.recurrentForward.int8 = weights.recurrent[l]
            layer.stepInputForward.int8 = weights.stepInput[l]
        }
        attention.outputWeight.int8 = weights.attentionOutput
    }
}
