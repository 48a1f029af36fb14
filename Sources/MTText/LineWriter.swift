#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MTCore

/// Buffered line output to a file descriptor (standard output by default).
/// Flushes after every line when the descriptor is a terminal, so interactive
/// use sees each answer at once, and in 64 kB blocks otherwise.
public final class LineWriter {
    private let fd: Int32
    private let lineBuffered: Bool
    private var buffer: [UInt8] = []

    public init(fileDescriptor: Int32 = 1) {
        fd = fileDescriptor
        lineBuffered = isatty(fileDescriptor) != 0
        buffer.reserveCapacity(1 << 16)
    }

    deinit { try? flush() }

    /// Writes `line` and a `\n`.
    public func write(line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        if lineBuffered || buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes `text` as it is, with no line end of its own.
    public func write(text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if lineBuffered || buffer.count >= 1 << 16 { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        let ok = buffer.withUnsafeBytes { writeAll(fd, $0) }
        buffer.removeAll(keepingCapacity: true)
        if !ok { throw TextError("cannot write output: \(String(cString: strerror(errno)))", at: fd == 1 ? "<stdout>" : "fd \(fd)") }
    }
}
