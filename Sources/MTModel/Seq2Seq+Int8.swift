import MTTensor

/// The model's products quantised to int8 (`Int8Weight`) for translation, as Marian's
/// intgemm and CTranslate2 translate: every encoder direction's input product (one product
/// over the whole batch) and recurrent product; every decoder layer's recurrent and input
/// products (the input's multiplied columns only, when its embedding share is looked up);
/// the attention's W_c and the output layer. The attention's key projection, the bridge
/// and the looked-up embedding share stay in float.
///
/// Made once from the weights of the moment, for translation; shared by the replicas.
public struct Int8Weights: @unchecked Sendable {
    /// Per encoder direction, in the order of `encoder.layers` and their `directions`.
    let encoderInput: [Int8Weight]
    let encoderRecurrent: [Int8Weight]
    let recurrent: [Int8Weight]
    /// nil where the whole input is looked up (no input feeding, with the table).
    let stepInput: [Int8Weight?]
    let attentionOutput: Int8Weight
    /// The output layer [V, H], whose rows a shortlist takes (`Int8Weight(rows:of:)`).
    public let output: Int8Weight
}

extension Seq2Seq {
    /// Quantises the model (Float models only): translation then multiplies in int8. Call
    /// after `prepareTargetInputTable` when there is one, whose columns the first decoder
    /// layer's input product then leaves out; replicas made afterwards share the quantised
    /// weights.
    public func quantise() {
        precondition(T.self == Float.self, "int8 translation is for Float models")
        let e = config.embeddingSize
        func quantised(_ w: UnsafePointer<T>, outputs: Int, depth: Int, ld: Int) -> Int8Weight {
            w.withMemoryRebound(to: Float.self, capacity: 1) { Int8Weight($0, outputs: outputs, depth: depth, ld: ld) }
        }
        var encoderInput: [Int8Weight] = [], encoderRecurrent: [Int8Weight] = []
        for layer in encoder.layers {
            for direction in layer.directions {
                let g = direction.gateSize, h = direction.hiddenSize, width = direction.inputSize
                encoderInput.append(quantised(direction.weightIH.value.data, outputs: g, depth: width, ld: width))
                encoderRecurrent.append(quantised(direction.weightHH.value.data, outputs: g, depth: h, ld: h))
            }
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
        use(Int8Weights(
            encoderInput: encoderInput, encoderRecurrent: encoderRecurrent,
            recurrent: recurrent, stepInput: stepInput,
            attentionOutput: quantised(wc.value.data, outputs: wc.shape[0], depth: width, ld: width),
            output: quantised(
                generator.weight.value.data, outputs: generator.vocabularySize, depth: generator.inputSize,
                ld: generator.inputSize)))
    }

    /// Sets the model's products to these int8 forms.
    func use(_ weights: Int8Weights) {
        int8Weights = weights
        // Plain loops: a key path over the existential layers crashed the compiler (6.3.1, release).
        var d = 0
        for layer in encoder.layers {
            for direction in layer.directions {
                direction.sequenceInputForward.int8 = weights.encoderInput[d]
                direction.recurrentForward.int8 = weights.encoderRecurrent[d]
                d += 1
            }
        }
        for (l, layer) in decoderLayers.enumerated() {
            layer.recurrentForward.int8 = weights.recurrent[l]
            layer.stepInputForward.int8 = weights.stepInput[l]
        }
        attention.outputWeight.int8 = weights.attentionOutput
    }
}
