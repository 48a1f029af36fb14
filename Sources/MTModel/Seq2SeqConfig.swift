import MTTensor

/// How the decoder's initial recurrent state is made from the encoder.
public enum DecoderInitialState: String, Sendable, CaseIterable {
    /// All zeros.
    case zero
    /// A trained vector per layer (h, and c for the LSTM), the same for every sentence.
    case learned
    /// tanh(Linear(encoder final state)) per layer, for h and (LSTM) c separately.
    case bridge
}

/// The shape of an attentional encoder-decoder.
///
/// `hiddenSize` is the size of the decoder state and of each encoder layer's output;
/// a bidirectional encoder gives each direction hiddenSize / 2 (so it must be even),
/// which keeps dot attention and the bridge square.
public struct Seq2SeqConfig: Equatable, Sendable {
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    public var embeddingSize = 256
    public var hiddenSize = 512
    public var encoderLayers = 2
    public var decoderLayers = 2
    public var bidirectional = true
    public var cell = RecurrentCellType.lstm
    public var attention = AttentionScore.general
    public var inputFeeding = true
    public var decoderInit = DecoderInitialState.bridge
    /// Learned initial states start uniform ±paramInit instead of zero.
    public var learnedInitUniform = false
    /// Every weight starts uniform ±paramInit.
    public var paramInit = 0.1
    /// On embeddings, between recurrent layers, and on the attentional state before the generator.
    public var dropout = 0.3
    /// The generator reuses the target embedding matrix (needs embeddingSize == hiddenSize).
    public var tieTargetEmbeddings = false
    public var labelSmoothing = 0.1

    public init(sourceVocabularySize: Int, targetVocabularySize: Int) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
    }

    /// Per-direction hidden size of the encoder.
    public var encoderHiddenSize: Int { bidirectional ? hiddenSize / 2 : hiddenSize }

    /// What is wrong with this configuration, or nil.
    public var problem: String? {
        if sourceVocabularySize < 4 || targetVocabularySize < 4 { return "vocabularies need the 4 special tokens" }
        if embeddingSize < 1 || hiddenSize < 1 { return "sizes must be positive" }
        if encoderLayers < 1 || decoderLayers < 1 { return "at least one encoder and one decoder layer" }
        if bidirectional && hiddenSize % 2 != 0 { return "a bidirectional encoder needs an even hidden size" }
        if !(0..<1).contains(dropout) { return "dropout \(dropout) outside [0, 1)" }
        if !(0..<1).contains(labelSmoothing) { return "label smoothing \(labelSmoothing) outside [0, 1)" }
        if tieTargetEmbeddings && embeddingSize != hiddenSize {
            return "tied target embeddings need embedding size == hidden size"
        }
        return nil
    }
}

// The configuration travels inside model files as JSON (snake_case keys), so a model
// file is self-describing. Decoding is strict: every key must be present.

extension RecurrentCellType: Codable {}
extension AttentionScore: Codable {}
extension DecoderInitialState: Codable {}

extension Seq2SeqConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case sourceVocabularySize = "source_vocabulary_size"
        case targetVocabularySize = "target_vocabulary_size"
        case embeddingSize = "embedding_size"
        case hiddenSize = "hidden_size"
        case encoderLayers = "encoder_layers"
        case decoderLayers = "decoder_layers"
        case bidirectional
        case cell
        case attention
        case inputFeeding = "input_feeding"
        case decoderInit = "decoder_init"
        case learnedInitUniform = "learned_init_uniform"
        case paramInit = "param_init"
        case dropout
        case tieTargetEmbeddings = "tie_target_embeddings"
        case labelSmoothing = "label_smoothing"
    }
}

/// One padded, time-major batch as the model reads it (MTTrain's `Batch` maps onto it).
///
/// With S source steps, T target steps and B sentences: `source` [S, B], `targetInput`
/// [T, B] (`<s>` y₁ … yₙ, then `<pad>`), `targetOutput` [T, B] (y₁ … yₙ `</s>`, then
/// `<pad>`), `sourceLengths` and `targetLengths` (n + 1) with B entries each.
public struct Seq2SeqBatch: Equatable, Sendable {
    public var batchSize: Int
    public var sourceSteps: Int
    public var targetSteps: Int
    public var source: [Int32]
    public var sourceLengths: [Int32]
    public var targetInput: [Int32]
    public var targetOutput: [Int32]
    public var targetLengths: [Int32]

    public init(
        batchSize: Int, sourceSteps: Int, targetSteps: Int, source: [Int32], sourceLengths: [Int32],
        targetInput: [Int32], targetOutput: [Int32], targetLengths: [Int32]
    ) {
        precondition(source.count == sourceSteps * batchSize && sourceLengths.count == batchSize)
        precondition(targetInput.count == targetSteps * batchSize && targetOutput.count == targetInput.count)
        precondition(targetLengths.count == batchSize)
        self.batchSize = batchSize
        self.sourceSteps = sourceSteps
        self.targetSteps = targetSteps
        self.source = source
        self.sourceLengths = sourceLengths
        self.targetInput = targetInput
        self.targetOutput = targetOutput
        self.targetLengths = targetLengths
    }

    /// Pads pairs of id sequences (without `<s>`/`</s>`) into a batch; ids 0–3 are
    /// `<pad> <unk> <s> </s>`.
    public init(sources: [[Int32]], targets: [[Int32]]) {
        precondition(sources.count == targets.count)
        let b = sources.count
        let s = sources.map(\.count).max() ?? 0
        let t = (targets.map(\.count).max() ?? 0) + 1
        var src = [Int32](repeating: 0, count: s * b)
        var tin = [Int32](repeating: 0, count: t * b)
        var tout = [Int32](repeating: 0, count: t * b)
        for (col, x) in sources.enumerated() {
            for (i, id) in x.enumerated() { src[i * b + col] = id }
            let y = targets[col]
            tin[col] = 2
            for (i, id) in y.enumerated() {
                tin[(i + 1) * b + col] = id
                tout[i * b + col] = id
            }
            tout[y.count * b + col] = 3
        }
        self.init(
            batchSize: b, sourceSteps: s, targetSteps: t, source: src,
            sourceLengths: sources.map { Int32($0.count) }, targetInput: tin, targetOutput: tout,
            targetLengths: targets.map { Int32($0.count + 1) })
    }

    /// Target positions that are not padding: what the loss is averaged over.
    public var targetTokenCount: Int { targetLengths.reduce(0) { $0 + Int($1) } }
}
