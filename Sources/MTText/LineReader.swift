#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MTCore

/// Reads a file or standard input as raw bytes, one line at a time.
///
/// - Lines end at `\n`; one `\r` before it is dropped too, so CRLF files read
///   like LF files (the normaliser would turn a trailing `\r` into nothing anyway).
///   A last line without `\n` still counts; an empty file has no lines.
/// - Invalid UTF-8 becomes U+FFFD and `warn` is called with the file name and
///   1-based line number; reading never fails on content.
/// - Reads return as soon as the OS has data, so a line typed on a terminal is
///   available at once (mt-translate streams stdin through this).
public final class LineReader {
    /// Name used in messages: the path, or `<stdin>`.
    public let name: String
    /// Number of the line last returned (1-based).
    public private(set) var lineNumber = 0
    /// Called for each line that held invalid UTF-8.
    public var warn: (_ file: String, _ line: Int) -> Void

    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    /// Opens `path` for reading; `-` means standard input.
    public init(path: String, warn: @escaping (_ file: String, _ line: Int) -> Void = LineReader.defaultWarning) throws {
        self.warn = warn
        if path == "-" {
            (name, fd, ownsDescriptor) = ("<stdin>", 0, false)
            return
        }
        let opened = open(path, O_RDONLY)
        if opened < 0 {
            throw TextError(errno == ENOENT ? "no such file" : "cannot open file: \(String(cString: strerror(errno)))", at: path)
        }
        var info = stat()
        if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(opened)
            throw TextError("is a directory, not a file", at: path)
        }
        (name, fd, ownsDescriptor) = (path, opened, true)
    }

    /// Reads standard input.
    public static func standardInput(warn: @escaping (_ file: String, _ line: Int) -> Void = LineReader.defaultWarning) -> LineReader {
        try! LineReader(path: "-", warn: warn)
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Prints `warning: invalid UTF-8 replaced by U+FFFD (file:line)` on stderr.
    public static let defaultWarning: (_ file: String, _ line: Int) -> Void = { file, line in
        StandardError.write("warning: \(invalidUTF8Message) (\(file):\(line))\n")
    }

    public static let invalidUTF8Message = "invalid UTF-8 replaced by U+FFFD"

    /// The next line, decoded; nil at the end of the input.
    public func nextLine() throws -> String? {
        guard let bytes = try nextLineBytes() else { return nil }
        return bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// The next line's raw bytes, without its terminator.
    public func nextLineBytes() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                var end = newline
                if end > start, buffer[end - 1] == 13 { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 13 { end -= 1 }
                let line = buffer[start..<end]
                start = buffer.count
                lineNumber += 1
                return line
            }
            try fill()
        }
    }

    /// Everything not read yet, as it is (line ends included), decoded.
    public func remainingText() throws -> String {
        while !atEnd { try fill() }
        let bytes = buffer[start...]
        start = buffer.count
        lineNumber += 1
        return bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// Every remaining line.
    public func readAll() throws -> [String] {
        var lines: [String] = []
        while let line = try nextLine() { lines.append(line) }
        return lines
    }

    /// Reads all lines of a file (or `-`).
    public static func lines(of path: String, warn: @escaping (_ file: String, _ line: Int) -> Void = LineReader.defaultWarning) throws -> [String] {
        try LineReader(path: path, warn: warn).readAll()
    }

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        warn(name, lineNumber)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let chunk = 1 << 16
        let old = buffer.count
        buffer.reserveCapacity(old + chunk)
        var got = 0
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        repeat {
            got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
        } while got < 0 && errno == EINTR
        if got < 0 {
            buffer.removeSubrange(old...)
            throw TextError("cannot read: \(String(cString: strerror(errno)))", at: name)
        }
        buffer.removeSubrange((old + got)...)
        if got == 0 { atEnd = true }
    }
}
