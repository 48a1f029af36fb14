#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A module-level name for the C call, which `AtomicFile.read` would shadow.
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }

/// Writes that either fully happen or not at all.
///
/// The bytes go to a temporary file in the destination's directory (`StagedFile`),
/// which is flushed to disk, renamed over the destination, and the directory entry is
/// flushed too. A crash or an error at any point leaves the previous file (or none)
/// under the final name, never a torn one; on an error the temporary file is removed.
public enum AtomicFile {
    /// A sink for the bytes of an atomic write.
    public final class Output {
        let fd: Int32
        let path: String

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
        }

        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard writeAll(fd, bytes) else { throw FileError.system("cannot write", path: path) }
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
        let staged = try StagedFile(for: path, body)
        do {
            try staged.moveIntoPlace()
        } catch {
            staged.discard()
            throw error
        }
        syncDirectory(staged.directory)
    }

    /// Flushes a directory's entries to disk: a rename is only durable once its directory
    /// is flushed. Failing to (some file systems refuse fsync on directories) is not an error.
    public static func syncDirectory(_ directory: String) {
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
