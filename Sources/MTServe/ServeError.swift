/// A request the server answers with an error status and `{"error": message}`: every bad
/// input, limit and failure has its status here, and a message of one line.
public struct ServeError: Error, Equatable, CustomStringConvertible {
    public var status: Int
    public var message: String
    /// Seconds for a Retry-After header (503 when the queue is full).
    public var retryAfter: Int?

    public init(_ status: Int, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status): \(message)" }

    public static func badRequest(_ message: String) -> ServeError { ServeError(400, message) }
}
