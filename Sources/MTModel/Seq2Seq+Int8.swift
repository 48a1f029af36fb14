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
        let directions = encoderDirections
        use(Int8Weights(
            encoderInput: directions.map { Self.quantised($0.weightIH) },
            encoderRecurrent: directions.map { Self.quantised($0.weightHH) },
            recurrent: decoderLayers.map { Self.quantised($0.weightHH) },
            stepInput: decoderLayers.enumerated().map { l, layer in
                let skipped = l == 0 && targetInputTable != nil ? config.embeddingSize : 0
                return skipped < layer.inputSize ? Self.quantised(layer.weightIH, fromColumn: skipped) : nil
            },
            attentionOutput: Self.quantised(attention.wC),
            output: Self.quantised(generator.weight)))
    }

    /// Sets the model's products to these int8 forms.
    func use(_ weights: Int8Weights) {
        int8Weights = weights
        for (d, direction) in encoderDirections.enumerated() {
            direction.sequenceInputForward.int8 = weights.encoderInput[d]
            direction.recurrentForward.int8 = weights.encoderRecurrent[d]
        }
        for (l, layer) in decoderLayers.enumerated() {
            layer.recurrentForward.int8 = weights.recurrent[l]
            layer.stepInputForward.int8 = weights.stepInput[l]
        }
        attention.outputWeight.int8 = weights.attentionOutput
    }

    /// Every encoder layer's directions, in order.
    private var encoderDirections: [RecurrentLayer<T>] {
        // A plain loop: a key path over the existential layers crashed the compiler (6.3.1, release).
        var directions: [RecurrentLayer<T>] = []
        for layer in encoder.layers { directions += layer.directions }
        return directions
    }

    /// A weight [outputs, width]'s columns `fromColumn` onwards, quantised per output row.
    private static func quantised(_ weight: Parameter<T>, fromColumn skipped: Int = 0) -> Int8Weight {
        let outputs = weight.shape[0], width = weight.shape[1]
        return (weight.value.data + skipped).withMemoryRebound(to: Float.self, capacity: 1) {
            Int8Weight($0, outputs: outputs, depth: width - skipped, ld: width)
        }
    }
}
