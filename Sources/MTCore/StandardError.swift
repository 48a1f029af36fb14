/// Unbuffered writes to stderr, for diagnostics.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        _ = text.withUTF8 { writeAll(2, UnsafeRawBufferPointer($0)) }
    }
}
