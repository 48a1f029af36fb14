// The model's arithmetic, counted from its shape: the floating-point operations (a multiply
// and an add count two) of the matrix products and the attention over real tokens, so that
// a measured speed can be set against the machine's GEMM peak. Padding, element-wise
// functions, the softmax and embedding lookups are left out: they are not what the peak
// measures, and padding is work a better batching would not do.

extension Seq2SeqConfig {
    /// One direction of one recurrent layer reading `input` features: the input projection
    /// and the recurrent product of one step.
    private func recurrentFLOPs(input: Int, hidden: Int) -> Double {
        2 * Double(model.cell.gatesPerUnit * hidden) * Double(input + hidden)
    }

    /// The encoder's products for one source token, every layer and direction.
    public var encoderFLOPsPerToken: Double {
        let hd = model.encoderHiddenSize, directions = model.bidirectionalEncoder ? 2 : 1
        return (0..<model.encoderLayers).reduce(0) { sum, l in
            sum + Double(directions) * recurrentFLOPs(input: l == 0 ? model.embeddingSize : model.hiddenSize, hidden: hd)
        }
    }

    /// Per source token, what the attention computes once per sentence: its keys (W_a or W_k
    /// times the encoder state; none for dot).
    public var attentionKeyFLOPsPerSourceToken: Double {
        let h = Double(model.hiddenSize)
        switch model.attention {
        case .dot: return 0
        case .general, .mlp: return 2 * h * h
        }
    }

    /// Per sentence: the bridge from the encoder's final states to the decoder's initial ones.
    public var bridgeFLOPsPerSentence: Double {
        guard model.decoderInit == .bridge else { return 0 }
        let h = Double(model.hiddenSize)
        return Double(model.decoderLayers * (model.cell.hasCellState ? 2 : 1)) * 2 * h * h
    }

    /// One decoder step of one row (a sentence in training, a hypothesis in search) over a
    /// source of `sourceLength` tokens, with an output layer of `outputColumns` target ids.
    /// `embeddingLookedUp`: the embedding's share of the first layer's input projection comes
    /// from a table (translation) instead of a product.
    public func decoderStepFLOPs(sourceLength: Double, outputColumns: Int, embeddingLookedUp: Bool = false) -> Double {
        let h = model.hiddenSize, e = model.embeddingSize
        var flops = 0.0
        for l in 0..<model.decoderLayers {
            var input = l == 0 ? (model.inputFeeding ? e + h : e) : h
            if l == 0 && embeddingLookedUp { input -= e }
            flops += recurrentFLOPs(input: input, hidden: h)
        }
        let hh = Double(h)
        // Scores and context over the source; MLP adds W_q h and v·tanh(·) per position.
        flops += 2 * sourceLength * hh * 2
        if model.attention == .mlp { flops += 2 * hh * hh + 2 * sourceLength * hh }
        // h̃ = tanh(W_c [c; h]), then the output layer.
        flops += 2 * hh * 2 * hh
        flops += 2 * hh * Double(outputColumns)
        return flops
    }

    /// Forward pass of one pair under teacher forcing: `targetSteps` = |y| + 1 decoder steps.
    public func forwardFLOPs(sourceLength: Int, targetSteps: Int) -> Double {
        let s = Double(sourceLength)
        return s * (encoderFLOPsPerToken + attentionKeyFLOPsPerSourceToken) + bridgeFLOPsPerSentence
            + Double(targetSteps) * decoderStepFLOPs(sourceLength: s, outputColumns: targetVocabularySize)
    }

    /// A training step on these pairs: forward, then backward's two products per forward one
    /// (the gradients of the inputs and of the weights).
    public func trainingFLOPs(sourceLengths: [Int32], targetLengths: [Int32]) -> Double {
        precondition(sourceLengths.count == targetLengths.count)
        return 3 * zip(sourceLengths, targetLengths).reduce(0) {
            $0 + forwardFLOPs(sourceLength: Int($1.0), targetSteps: Int($1.1))
        }
    }
}
