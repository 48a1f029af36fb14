import Foundation

/// Everything besides parameters and optimiser moments that a resumed run needs to
/// continue exactly where it stopped; stored as JSON in the optimiser-state file's
/// metadata (key `training_state`).
public struct TrainingState: Codable, Equatable, Sendable {
    /// The next batch to run.
    public var position: BatchPosition
    /// Updates done so far.
    public var step: Int
    /// Training time so far, across resumes.
    public var elapsedSeconds: Double
    public var schedule: LearningRateSchedule.State
    public var earlyStopping: EarlyStopping
    /// State of the generator that draws dropout masks (`SeededRandom.state`).
    public var randomState: [UInt64]
    /// Non-finite losses in a row at the time of saving.
    public var nonFiniteSteps: Int

    public static let metadataKey = "training_state"

    public init(
        position: BatchPosition = .start, step: Int = 0, elapsedSeconds: Double = 0,
        schedule: LearningRateSchedule.State = .init(), earlyStopping: EarlyStopping,
        randomState: [UInt64], nonFiniteSteps: Int = 0
    ) {
        self.position = position
        self.step = step
        self.elapsedSeconds = elapsedSeconds
        self.schedule = schedule
        self.earlyStopping = earlyStopping
        self.randomState = randomState
        self.nonFiniteSteps = nonFiniteSteps
    }

    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public static func fromJSON(_ json: String) throws -> TrainingState {
        try JSONDecoder().decode(TrainingState.self, from: Data(json.utf8))
    }
}
