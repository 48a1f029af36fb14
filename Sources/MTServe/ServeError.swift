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

    /// A client's text for a message, in quotes: control characters escaped, so that the
    /// message stays one line, and cut after 80 characters.
    static func quoted(_ text: String) -> String {
        var out = "'"
        for (i, c) in text.unicodeScalars.enumerated() {
            if i == 80 { out += "…"; break }
            switch c.value {
            case 0..<0x20, 0x7F, 0x85, 0x2028, 0x2029: out += "\\u{\(String(c.value, radix: 16))}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "'"
    }

    /// A language code for a message: as given when it is a plain code, else quoted.
    static func language(_ code: String?, or absent: String) -> String {
        guard let code else { return absent }
        let plain = (1...16).contains(code.unicodeScalars.count) && code.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        return plain ? code : quoted(code)
    }
}
