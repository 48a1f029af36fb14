/// Recurrent cell of encoder and decoder.
public enum CellKind: String, Codable, CaseIterable, Sendable {
    case lstm, gru, rnn
}

/// Attention score between decoder state h and encoder state s.
public enum AttentionKind: String, Codable, CaseIterable, Sendable {
    /// hᵀs (needs equal sizes).
    case dot
    /// hᵀ W s (Luong's "general").
    case general
    /// vᵀ tanh(W h + U s) (Bahdanau's additive attention).
    case mlp
}

/// How the decoder's initial recurrent state is made.
public enum DecoderInitKind: String, Codable, CaseIterable, Sendable {
    /// All zeros.
    case zero
    /// Trained vectors, the same for every sentence.
    case learned
    /// A trained projection of the encoder's final states.
    case bridge
}

/// Starting values of learned initial states.
public enum LearnedInitKind: String, Codable, CaseIterable, Sendable {
    case zero
    /// Uniform ±param_init, like other weights.
    case uniform
}

public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case adam, sgd
}

/// The model's shape. Defaults are the recommended Multi30k model.
public struct ModelConfig: Codable, Equatable, Sendable {
    public var embeddingSize = 256
    public var hiddenSize = 512
    public var encoderLayers = 2
    public var decoderLayers = 2
    public var bidirectionalEncoder = true
    public var cell = CellKind.lstm
    public var attention = AttentionKind.general
    public var inputFeeding = true
    public var decoderInit = DecoderInitKind.bridge
    public var learnedInit = LearnedInitKind.zero
    public var paramInit = 0.1
    public var dropout = 0.3
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

    /// Missing keys keep their defaults, so configurations stored by older versions still load.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ModelConfig()
        func get<V: Decodable>(_ key: CodingKeys, _ fallback: V) throws -> V {
            try c.decodeIfPresent(V.self, forKey: key) ?? fallback
        }
        embeddingSize = try get(.embeddingSize, d.embeddingSize)
        hiddenSize = try get(.hiddenSize, d.hiddenSize)
        encoderLayers = try get(.encoderLayers, d.encoderLayers)
        decoderLayers = try get(.decoderLayers, d.decoderLayers)
        bidirectionalEncoder = try get(.bidirectionalEncoder, d.bidirectionalEncoder)
        cell = try get(.cell, d.cell)
        attention = try get(.attention, d.attention)
        inputFeeding = try get(.inputFeeding, d.inputFeeding)
        decoderInit = try get(.decoderInit, d.decoderInit)
        learnedInit = try get(.learnedInit, d.learnedInit)
        paramInit = try get(.paramInit, d.paramInit)
        dropout = try get(.dropout, d.dropout)
        tieTargetEmbeddings = try get(.tieTargetEmbeddings, d.tieTargetEmbeddings)
        labelSmoothing = try get(.labelSmoothing, d.labelSmoothing)
    }
}

/// How to train. Defaults suit the recommended Multi30k model on a CPU.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var batchTokens = 2048
    public var maxBatchSentences = 128
    public var poolBatches = 100
    public var maxSourceLength = 100
    public var maxTargetLength = 100
    public var optimizer = OptimizerKind.adam
    public var learningRate = 1e-3
    public var adamBeta1 = 0.9
    public var adamBeta2 = 0.999
    public var adamEpsilon = 1e-8
    public var weightDecay = 0.0
    public var schedule = ScheduleKind.plateau
    public var warmupSteps = 0
    public var decayFactor = 0.5
    public var decayPatience = 1
    public var minLearningRate = 1e-5
    public var maxGradNorm = 5.0
    public var epochs = 20
    public var maxSteps = 0
    /// Seconds; 0 = no limit.
    public var timeBudget = 0.0
    public var validationInterval = 0
    public var earlyStoppingPatience = 4
    public var seed: UInt64 = 1
    public var threads = 0
    /// Data-parallel workers (threads, each with a model replica) sharing every batch.
    public var workers = 1
    public var logInterval = 50
    public var maxNanSteps = 5

    public init() {}

    enum CodingKeys: String, CodingKey {
        case batchTokens = "batch_tokens", maxBatchSentences = "max_batch_sentences", poolBatches = "pool_batches"
        case maxSourceLength = "max_source_length", maxTargetLength = "max_target_length"
        case optimizer, learningRate = "learning_rate", adamBeta1 = "adam_beta1", adamBeta2 = "adam_beta2"
        case adamEpsilon = "adam_epsilon", weightDecay = "weight_decay", schedule, warmupSteps = "warmup_steps"
        case decayFactor = "decay_factor", decayPatience = "decay_patience", minLearningRate = "min_learning_rate"
        case maxGradNorm = "max_grad_norm", epochs, maxSteps = "max_steps", timeBudget = "time_budget"
        case validationInterval = "validation_interval", earlyStoppingPatience = "early_stopping_patience"
        case seed, threads, workers, logInterval = "log_interval", maxNanSteps = "max_nan_steps"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingOptions()
        func get<V: Decodable>(_ key: CodingKeys, _ fallback: V) throws -> V {
            try c.decodeIfPresent(V.self, forKey: key) ?? fallback
        }
        batchTokens = try get(.batchTokens, d.batchTokens)
        maxBatchSentences = try get(.maxBatchSentences, d.maxBatchSentences)
        poolBatches = try get(.poolBatches, d.poolBatches)
        maxSourceLength = try get(.maxSourceLength, d.maxSourceLength)
        maxTargetLength = try get(.maxTargetLength, d.maxTargetLength)
        optimizer = try get(.optimizer, d.optimizer)
        learningRate = try get(.learningRate, d.learningRate)
        adamBeta1 = try get(.adamBeta1, d.adamBeta1)
        adamBeta2 = try get(.adamBeta2, d.adamBeta2)
        adamEpsilon = try get(.adamEpsilon, d.adamEpsilon)
        weightDecay = try get(.weightDecay, d.weightDecay)
        schedule = try get(.schedule, d.schedule)
        warmupSteps = try get(.warmupSteps, d.warmupSteps)
        decayFactor = try get(.decayFactor, d.decayFactor)
        decayPatience = try get(.decayPatience, d.decayPatience)
        minLearningRate = try get(.minLearningRate, d.minLearningRate)
        maxGradNorm = try get(.maxGradNorm, d.maxGradNorm)
        epochs = try get(.epochs, d.epochs)
        maxSteps = try get(.maxSteps, d.maxSteps)
        timeBudget = try get(.timeBudget, d.timeBudget)
        validationInterval = try get(.validationInterval, d.validationInterval)
        earlyStoppingPatience = try get(.earlyStoppingPatience, d.earlyStoppingPatience)
        seed = try get(.seed, d.seed)
        threads = try get(.threads, d.threads)
        workers = try get(.workers, d.workers)
        logInterval = try get(.logInterval, d.logInterval)
        maxNanSteps = try get(.maxNanSteps, d.maxNanSteps)
    }

    /// The batching options these settings describe.
    public var batching: BatchingOptions {
        BatchingOptions(
            maxTokens: batchTokens, maxSentences: maxBatchSentences, poolBatches: poolBatches,
            maxSourceLength: maxSourceLength, maxTargetLength: maxTargetLength)
    }

    /// The learning-rate schedule these settings describe.
    public func makeSchedule() -> LearningRateSchedule {
        LearningRateSchedule(
            kind: schedule, baseLearningRate: learningRate, warmupSteps: warmupSteps,
            decayFactor: decayFactor, patience: decayPatience, minLearningRate: minLearningRate)
    }
}

/// Everything `mt-train` needs to know besides the data: read from YAML (see
/// `scripts/configs/*.yaml` and `TrainingConfig.fields` for every key, its default
/// and meaning), adjustable with `key=value` overrides, and stored as JSON in the
/// model file's metadata.
public struct TrainingConfig: Codable, Equatable, Sendable {
    public var model = ModelConfig()
    public var training = TrainingOptions()

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decodeIfPresent(ModelConfig.self, forKey: .model) ?? ModelConfig()
        training = try c.decodeIfPresent(TrainingOptions.self, forKey: .training) ?? TrainingOptions()
    }
}

/// A configuration problem, printed as `config error: <what>` plus ` (<where>)` when known.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var location: String?

    public init(_ message: String, location: String? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String {
        "config error: \(message)" + (location.map { " (\($0))" } ?? "")
    }
}
