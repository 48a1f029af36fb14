import MTCore

/// An error of the text pipeline: what went wrong, then where (an empty location is none).
public struct TextError: LocatedError, Equatable, Sendable {
    public let message: String
    public let location: String?

    public init(_ message: String, at location: String) {
        self.message = message
        self.location = location.isEmpty ? nil : location
    }
}
