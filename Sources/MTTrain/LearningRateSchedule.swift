/// How the learning rate changes over training.
public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
    /// The base rate throughout (after warm-up).
    case constant
    /// After warm-up, base · √(warmup / step) (the Transformer schedule's decay).
    case inverseSqrt = "inverse_sqrt"
    /// Constant, multiplied by `decayFactor` whenever validation has not improved
    /// for `patience` validations in a row, never below `minLearningRate`.
    case plateau
}

/// The learning rate for each update, with an optional linear warm-up; `plateau`
/// also reacts to validation results. Its state is Codable so a resumed run
/// continues with the same rate.
public final class LearningRateSchedule {
    /// What must be saved to resume: the plateau scale and the validation history it depends on.
    public struct State: Codable, Equatable, Sendable {
        /// Product of the plateau decays so far (1 at the start).
        public var scale: Double = 1
        /// Best (lowest) validation metric seen.
        public var best: Double?
        /// Validations since the best one.
        public var validationsWithoutImprovement = 0
        /// Number of plateau decays applied.
        public var decays = 0

        public init() {}
    }

    public let kind: ScheduleKind
    public let baseLearningRate: Double
    public let warmupSteps: Int
    public let decayFactor: Double
    public let patience: Int
    public let minLearningRate: Double
    public private(set) var state = State()

    public init(
        kind: ScheduleKind, baseLearningRate: Double, warmupSteps: Int = 0,
        decayFactor: Double = 0.5, patience: Int = 1, minLearningRate: Double = 0
    ) {
        precondition(baseLearningRate > 0 && warmupSteps >= 0 && decayFactor > 0 && decayFactor <= 1 && patience >= 1)
        self.kind = kind
        self.baseLearningRate = baseLearningRate
        self.warmupSteps = warmupSteps
        self.decayFactor = decayFactor
        self.patience = patience
        self.minLearningRate = minLearningRate
    }

    /// The rate for update number `step` (1 for the first update).
    public func learningRate(step: Int) -> Double {
        let s = Double(max(step, 1))
        let warm = warmupSteps > 0 ? Double(warmupSteps) : 1
        let warmup = warmupSteps > 0 && s < warm ? s / warm : 1
        switch kind {
        case .constant:
            return baseLearningRate * warmup
        case .inverseSqrt:
            return baseLearningRate * warmup * (s > warm ? (warm / s).squareRoot() : 1)
        case .plateau:
            return max(baseLearningRate * state.scale, min(minLearningRate, baseLearningRate)) * warmup
        }
    }

    /// Records a validation metric (lower is better, e.g. perplexity). Returns true
    /// when it improved on the best so far. Under `plateau`, the rate decays after
    /// `patience` validations in a row without improvement.
    @discardableResult
    public func recordValidation(_ metric: Double) -> Bool {
        // A non-finite metric (a diverged model) never counts as an improvement.
        if !metric.isFinite || state.best.map({ !(metric < $0) }) ?? false {
            state.validationsWithoutImprovement += 1
            if kind == .plateau, state.validationsWithoutImprovement >= patience, !reachedMinimum {
                state.scale *= decayFactor
                state.decays += 1
                state.validationsWithoutImprovement = 0
            }
            return false
        }
        state.best = metric
        state.validationsWithoutImprovement = 0
        return true
    }

    /// True once plateau decays have brought the rate down to `minLearningRate`.
    public var reachedMinimum: Bool {
        kind == .plateau && baseLearningRate * state.scale <= minLearningRate
    }

    /// Continues from a saved state.
    public func restore(_ state: State) { self.state = state }
}
