/// A failure of training that ends the run: printed by mt-train as
/// `mt-train: error: <what> (<where>)`.
public struct TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    public let what: String
    public let location: String

    public init(_ what: String, at location: String = "") {
        self.what = what
        self.location = location
    }

    public var description: String { location.isEmpty ? what : "\(what) (\(location))" }
}
