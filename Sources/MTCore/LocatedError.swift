/// An error that prints as the one line the programs show after `mt-<tool>: error: `:
/// what went wrong, then where, `<message> (<location>)`, or the message alone when it
/// happened nowhere in particular. Errors of this shape share this one description;
/// a type keeps its own name only where callers catch it by type.
public protocol LocatedError: Error, CustomStringConvertible {
    /// What went wrong, in one line.
    var message: String { get }
    /// Where: a file, `file:line`, a setting, `command line`; nil when nowhere in particular.
    var location: String? { get }
    /// The kind of problem, printed before the message as `<category>: `; nil for most
    /// errors, whose message says it all.
    var category: String? { get }
}

extension LocatedError {
    public var category: String? { nil }

    public var description: String {
        (category.map { "\($0): " } ?? "") + message + (location.map { " (\($0))" } ?? "")
    }
}
