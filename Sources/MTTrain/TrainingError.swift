import MTCore

/// A failure of training that ends the run: printed by mt-train as
/// `mt-train: error: <message> (<location>)`.
public struct TrainingError: LocatedError, Equatable, Sendable {
    public let message: String
    public let location: String?

    public init(_ message: String, at location: String = "") {
        self.message = message
        self.location = location.isEmpty ? nil : location
    }
}
