#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a path, held while the object lives: `flock` on a lock file, so
/// the kernel releases it when the process ends however it ends, and a lock left by a
/// killed process never blocks. The file holds the owner's description (e.g. its pid),
/// which a refused locker reports; it is removed when the lock is released.
public final class FileLock {
    public let path: String
    private var fd: Int32

    /// What `path` held when this lock was taken: the description of an owner that
    /// ended without releasing it (killed), or nil when there was none.
    public let previousOwner: String?

    /// Takes the lock at once or throws: `FileLock.Busy` (with the owner's description)
    /// when another holds it, `FileError` when the file cannot be made.
    public init(path: String, owner: String) throws {
        self.path = path
        // Another holder may remove the file between our open and our flock: the lock is
        // ours only if the locked file is still the one under the path.
        for _ in 0..<100 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw FileError.system("cannot create the lock file", path: path) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                let text = Self.contents(fd)
                close(fd)
                if code == EWOULDBLOCK { throw Busy(path: path, owner: text) }
                throw FileError.system("cannot lock", path: path, errno: code)
            }
            var held = stat(), named = stat()
            if fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                let before = Self.contents(fd)
                self.fd = fd
                previousOwner = before.isEmpty ? nil : before
                let line = Array((owner + "\n").utf8)
                guard ftruncate(fd, 0) == 0, line.withUnsafeBytes({ Self.writeFromStart(fd, $0) }) else {
                    let e = FileError.system("cannot write the lock file", path: path)
                    release()
                    throw e
                }
                return
            }
            close(fd)
        }
        throw FileError("cannot lock: the lock file keeps changing", path: path)
    }

    deinit { release() }

    /// Removes the lock file and releases the lock (also done when the object goes away).
    public func release() {
        guard fd >= 0 else { return }
        // Removed while still locked, so no other process can lock the old file in between.
        unlink(path)
        close(fd)
        fd = -1
    }

    /// Another process holds the lock.
    public struct Busy: Error, Equatable, Sendable {
        public let path: String
        /// What the holder wrote into the lock file.
        public let owner: String

        public init(path: String, owner: String) {
            self.path = path
            self.owner = owner
        }
    }

    private static func contents(_ fd: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 512)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { return "" }
        var text = String(decoding: bytes[0..<n], as: UTF8.self)
        while text.last == "\n" { text.removeLast() }
        return text
    }

    private static func writeFromStart(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        lseek(fd, 0, SEEK_SET) == 0 && writeAll(fd, bytes)
    }
}
