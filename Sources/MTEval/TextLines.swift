/// Reading text the way sacreBLEU's command line does, from raw bytes.
public enum TextLines {
    /// How line breaks are recognised.
    public enum Newlines: Sendable {
        /// Only "\n" ends a line: sacreBLEU opens reference and `-i` files with `newline="\n"`.
        case lineFeed
        /// "\r\n", "\r" and "\n" all end a line: Python's default, which sacreBLEU uses
        /// for the hypotheses on standard input.
        case universal
    }

    public struct Decoded: Sendable {
        /// One entry per line, trailing whitespace removed (sacreBLEU `rstrip`s every line).
        public var lines: [String]
        /// How many lines held bytes that are not UTF-8 (each replaced by U+FFFD).
        public var invalidLines: Int
        /// 1-based number of the first such line, if any.
        public var firstInvalidLine: Int?
    }

    /// Splits like iterating a Python text file: a final line without a newline still
    /// counts, and an empty input has no lines.
    public static func decode(_ bytes: [UInt8], newlines: Newlines) -> Decoded {
        var result = Decoded(lines: [], invalidLines: 0, firstInvalidLine: nil)
        bytes.withUnsafeBufferPointer { buf in
            var start = 0
            var i = 0
            let n = buf.count
            func emit(_ end: Int) {
                let slice = UnsafeBufferPointer(rebasing: buf[start..<end])
                // Decoding replaces ill-formed bytes; a changed byte sequence reveals them.
                let line = String(decoding: slice, as: UTF8.self)
                if !line.utf8.elementsEqual(slice) {
                    result.invalidLines += 1
                    if result.firstInvalidLine == nil { result.firstInvalidLine = result.lines.count + 1 }
                }
                result.lines.append(PythonText.rstrip(line))
            }
            while i < n {
                let b = buf[i]
                if b == 0x0A {
                    emit(i)
                    i += 1
                    start = i
                } else if b == 0x0D && newlines == .universal {
                    emit(i)
                    i += (i + 1 < n && buf[i + 1] == 0x0A) ? 2 : 1
                    start = i
                } else {
                    i += 1
                }
            }
            if start < n { emit(n) }
        }
        return result
    }
}
