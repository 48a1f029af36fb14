/// An error of the text pipeline. Its description is the one-line message the
/// tools print after `mt-<tool>: error: `: what went wrong, then where.
public struct TextError: Error, CustomStringConvertible, Equatable, Sendable {
    public let what: String
    public let location: String

    public init(_ what: String, at location: String) {
        self.what = what
        self.location = location
    }

    public var description: String { location.isEmpty ? what : "\(what) (\(location))" }
}
