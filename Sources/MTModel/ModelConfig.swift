import MTCore

// The model's schema: every setting of its shape, with its one default, read from YAML
// and `--set` by training (MTTrain's field table), stored as JSON in model files and
// resume states. A new setting is a property here (with its coding key) plus its line
// in the field table; a new case of an enum is a compile error wherever it is not handled.
// The cell type and the attention score, each with its registration, are in
// RecurrentCellType.swift and AttentionScore.swift.

/// How the decoder's initial recurrent state is made from the encoder.
public enum DecoderInitialState: String, Codable, CaseIterable, Sendable {
    /// All zeros.
    case zero
    /// A trained vector per layer (h, and c for the LSTM), the same for every sentence.
    case learned
    /// tanh(Linear(encoder final state)) per layer, for h and (LSTM) c separately.
    case bridge
}

/// Starting values of learned initial states.
public enum LearnedInitialValues: String, Codable, CaseIterable, Sendable {
    case zero
    /// Uniform ±param_init, like the weights.
    case uniform
}

/// The shape of an attentional encoder-decoder, without its vocabularies. Defaults are the
/// recommended Multi30k model.
///
/// `hiddenSize` is the size of the decoder state and of each encoder layer's output;
/// a bidirectional encoder gives each direction hiddenSize / 2 (so it must be even),
/// which keeps dot attention and the bridge square.
public struct ModelConfig: Codable, Equatable, Sendable {
    public var embeddingSize = 256
    public var hiddenSize = 512
    public var encoderLayers = 2
    public var decoderLayers = 2
    public var bidirectionalEncoder = true
    public var cell = RecurrentCellType.lstm
    public var attention = AttentionScore.general
    public var inputFeeding = true
    public var decoderInit = DecoderInitialState.bridge
    public var learnedInit = LearnedInitialValues.zero
    /// Every weight starts uniform ±paramInit.
    public var paramInit = 0.1
    /// On embeddings, between recurrent layers, and on the attentional state before the generator.
    public var dropout = 0.3
    /// The generator reuses the target embedding matrix (needs embeddingSize == hiddenSize).
    public var tieTargetEmbeddings = false
    public var labelSmoothing = 0.1

    public init() {}

    enum CodingKeys: String, CodingKey {
        case embeddingSize = "embedding_size", hiddenSize = "hidden_size"
        case encoderLayers = "encoder_layers", decoderLayers = "decoder_layers"
        case bidirectionalEncoder = "bidirectional_encoder", cell, attention
        case inputFeeding = "input_feeding", decoderInit = "decoder_init", learnedInit = "learned_init"
        case paramInit = "param_init", dropout, tieTargetEmbeddings = "tie_target_embeddings"
        case labelSmoothing = "label_smoothing"
    }

    /// Per-direction hidden size of the encoder.
    public var encoderHiddenSize: Int { bidirectionalEncoder ? hiddenSize / 2 : hiddenSize }

    /// What is wrong with this shape, or nil (ranges of single settings, and how they combine).
    public var problem: String? {
        if embeddingSize < 1 || hiddenSize < 1 { return "sizes must be positive" }
        if encoderLayers < 1 || decoderLayers < 1 { return "at least one encoder and one decoder layer" }
        if bidirectionalEncoder && hiddenSize % 2 != 0 { return "a bidirectional encoder needs an even hidden size" }
        if !(paramInit > 0) { return "param_init \(paramInit) must be positive" }
        if !(0..<1).contains(dropout) { return "dropout \(dropout) outside [0, 1)" }
        if !(0..<1).contains(labelSmoothing) { return "label smoothing \(labelSmoothing) outside [0, 1)" }
        if tieTargetEmbeddings && embeddingSize != hiddenSize {
            return "tied target embeddings need embedding size == hidden size"
        }
        return nil
    }
}
