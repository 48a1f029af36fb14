/// A failure found by a program itself, which no library error describes: a missing
/// option, an input it cannot read. Prints as `<message> (<location>)`.
public struct ProgramError: LocatedError, Equatable {
    public let message: String
    public let location: String?

    public init(_ message: String, at location: String? = nil) {
        self.message = message
        self.location = location
    }
}
