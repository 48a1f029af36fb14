#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Module-level names for the C calls, which the `write` methods below would shadow.
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }

/// A file-system failure, described as `<what> (<path>)` so command-line tools can
/// print it as is.
public struct FileError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let path: String

    public init(_ message: String, path: String) {
        self.message = message
        self.path = path
    }

    /// `message: strerror(errno)` for the current `errno`.
    static func system(_ what: String, path: String, errno code: Int32 = errno) -> FileError {
        FileError("\(what): \(String(cString: strerror(code)))", path: path)
    }

    public var description: String { "\(message) (\(path))" }
}

/// Writes that either fully happen or not at all.
///
/// The bytes go to a temporary file in the destination's directory (same file
/// system, so `rename` is atomic), which is flushed to disk, renamed over the
/// destination, and the directory entry is flushed too. A crash or an error at any
/// point leaves the previous file (or none) under the final name, never a torn one;
/// on an error the temporary file is removed.
public enum AtomicFile {
    /// A sink for the bytes of an atomic write.
    public final class Output {
        let fd: Int32
        let path: String
        public private(set) var bytesWritten = 0

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
        }

        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard var p = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = systemWrite(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError.system("cannot write", path: path)
                }
                p += n
                left -= n
                bytesWritten += n
            }
        }

        public func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }

        public func write(_ string: String) throws {
            try write(Array(string.utf8))
        }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { try $0.write(bytes) }
    }

    /// Calls `body` with a sink for the new contents of `path`; the file appears under
    /// its final name only when `body` returns and everything has reached the disk.
    /// If `body` throws, the error propagates and `path` is untouched.
    public static func write(to path: String, _ body: (Output) throws -> Void) throws {
        let (directory, base) = split(path)
        guard !base.isEmpty else { throw FileError("not a file name", path: path) }
        let temporary = directory + "/." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw FileError.system("cannot create a file", path: temporary) }
        var closed = false
        do {
            try body(Output(fd: fd, path: temporary))
            guard fsync(fd) == 0 else { throw FileError.system("cannot flush to disk", path: temporary) }
            closed = true
            guard close(fd) == 0 else { throw FileError.system("cannot close", path: temporary) }
            guard rename(temporary, path) == 0 else { throw FileError.system("cannot rename into place", path: path) }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        // The rename is only durable once the directory itself is flushed; failing
        // to do so (some file systems refuse fsync on directories) is not an error.
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.system("cannot open", path: path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError.system("cannot stat", path: path) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FileError("not a regular file", path: path) }
        let size = Int(st.st_size)
        // Read straight into uninitialised storage: zeroing a model-sized buffer first costs
        // as much as reading it.
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let n = systemRead(fd, buffer.baseAddress! + done, size - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    initialized = done
                    throw FileError.system("cannot read", path: path)
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
    }

    /// (directory, last component) of a path; the directory is "." for a bare name.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }
}
