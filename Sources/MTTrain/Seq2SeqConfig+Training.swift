import MTModel

extension Seq2SeqConfig {
    /// The model a training configuration describes, for the given vocabulary sizes.
    public init(_ model: ModelConfig, sourceVocabularySize: Int, targetVocabularySize: Int) {
        self.init(sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize)
        embeddingSize = model.embeddingSize
        hiddenSize = model.hiddenSize
        encoderLayers = model.encoderLayers
        decoderLayers = model.decoderLayers
        bidirectional = model.bidirectionalEncoder
        switch model.cell {
        case .lstm: cell = .lstm
        case .gru: cell = .gru
        case .rnn: cell = .rnn
        }
        switch model.attention {
        case .dot: attention = .dot
        case .general: attention = .general
        case .mlp: attention = .mlp
        }
        inputFeeding = model.inputFeeding
        switch model.decoderInit {
        case .zero: decoderInit = .zero
        case .learned: decoderInit = .learned
        case .bridge: decoderInit = .bridge
        }
        learnedInitUniform = model.learnedInit == .uniform
        paramInit = model.paramInit
        dropout = model.dropout
        tieTargetEmbeddings = model.tieTargetEmbeddings
        labelSmoothing = model.labelSmoothing
    }
}

extension Seq2SeqBatch {
    /// The model's view of a training batch (same layout, field for field).
    public init(_ batch: Batch) {
        self.init(
            batchSize: batch.batchSize, sourceSteps: batch.sourceSteps, targetSteps: batch.targetSteps,
            source: batch.source, sourceLengths: batch.sourceLengths, targetInput: batch.targetInput,
            targetOutput: batch.targetOutput, targetLengths: batch.targetLengths)
    }
}
