/// Stops training after `patience` validations in a row without a new best
/// (lowest) metric; patience 0 never stops. Codable so a resumed run keeps counting.
public struct EarlyStopping: Codable, Equatable, Sendable {
    public var patience: Int
    public private(set) var best: Double?
    public private(set) var validationsWithoutImprovement = 0

    public init(patience: Int) {
        self.patience = patience
    }

    /// Records a validation metric (lower is better); non-finite values never improve.
    /// Returns whether it is a new best, i.e. whether to keep this model as the best one.
    @discardableResult
    public mutating func record(_ metric: Double) -> Bool {
        if metric.isFinite, best.map({ metric < $0 }) ?? true {
            best = metric
            validationsWithoutImprovement = 0
            return true
        }
        validationsWithoutImprovement += 1
        return false
    }

    public var shouldStop: Bool { patience > 0 && validationsWithoutImprovement >= patience }
}
