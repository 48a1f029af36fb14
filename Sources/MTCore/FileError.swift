#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that cannot be read, written or used, described as `<what> (<path>)` so
/// command-line tools can print it as is.
public struct FileError: LocatedError, Equatable {
    public let message: String
    public let path: String

    public init(_ message: String, path: String) {
        self.message = message
        self.path = path
    }

    public var location: String? { path }

    /// `what: strerror(errno)` for the current `errno`.
    public static func system(_ what: String, path: String, errno code: Int32 = errno) -> FileError {
        FileError("\(what): \(String(cString: strerror(code)))", path: path)
    }
}
