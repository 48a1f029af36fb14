import MTCore
import MTModel

public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case adam, sgd
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
    /// Adam only: decay the weights directly (AdamW) instead of adding L2 to the gradient.
    public var decoupledWeightDecay = false
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
    /// Batches per update: their gradients are added up and applied at once (Marian's
    /// --optimizer-delay), for the batch size of more workers or ranks than there are.
    public var accumulateSteps = 1
    public var logInterval = 50
    public var maxNanSteps = 5
    /// A checkpoint every N updates (0 = none besides the others).
    public var checkpointInterval = 0
    /// Seconds between checkpoints at most (0 = only at validations and every
    /// `checkpointInterval` updates), so a killed run loses little however long an epoch is.
    public var checkpointTime = 600.0
    /// Numbered model files kept (`MODEL.step-N.safetensors`), e.g. for averaging; 0 = none.
    public var keepCheckpoints = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case batchTokens = "batch_tokens", maxBatchSentences = "max_batch_sentences", poolBatches = "pool_batches"
        case maxSourceLength = "max_source_length", maxTargetLength = "max_target_length"
        case optimizer, learningRate = "learning_rate", adamBeta1 = "adam_beta1", adamBeta2 = "adam_beta2"
        case adamEpsilon = "adam_epsilon", weightDecay = "weight_decay"
        case decoupledWeightDecay = "decoupled_weight_decay", schedule, warmupSteps = "warmup_steps"
        case decayFactor = "decay_factor", decayPatience = "decay_patience", minLearningRate = "min_learning_rate"
        case maxGradNorm = "max_grad_norm", epochs, maxSteps = "max_steps", timeBudget = "time_budget"
        case validationInterval = "validation_interval", earlyStoppingPatience = "early_stopping_patience"
        case seed, threads, workers, accumulateSteps = "accumulate_steps", logInterval = "log_interval", maxNanSteps = "max_nan_steps"
        case checkpointInterval = "checkpoint_interval", checkpointTime = "checkpoint_time"
        case keepCheckpoints = "keep_checkpoints"
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
}

/// A configuration problem, printed as `config error: <message>` plus ` (<location>)` when known.
public struct ConfigError: LocatedError, Equatable {
    public let message: String
    public var location: String?

    public init(_ message: String, location: String? = nil) {
        self.message = message
        self.location = location
    }

    public var category: String? { "config error" }
}
