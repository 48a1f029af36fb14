#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's new contents on disk under a temporary name beside it, not yet in place: the
/// first half of an atomic write. `AtomicFile` stages one file and moves it at once; a
/// `FileTransaction` stages every file of a set before it moves any.
///
/// The temporary lies in the destination's directory (same file system, so the rename is
/// atomic) and is created with `O_EXCL`, so it is never another writer's file.
public struct StagedFile: Sendable {
    public let destination: String
    public let temporary: String
    /// The destination's directory, to flush once the file is in place.
    public let directory: String

    /// Writes `body`'s bytes to a new temporary for `destination` and flushes them to disk.
    /// If `body` or the write fails, the temporary is removed and the error propagates.
    public init(for destination: String, _ body: (AtomicFile.Output) throws -> Void) throws {
        let (directory, base) = AtomicFile.split(destination)
        guard !base.isEmpty else { throw FileError("not a file name", path: destination) }
        let temporary = StagedFile.temporaryName(directory: directory, base: base)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw FileError.system("cannot create a file", path: temporary) }
        var closed = false
        do {
            try body(AtomicFile.Output(fd: fd, path: temporary))
            guard fsync(fd) == 0 else { throw FileError.system("cannot flush to disk", path: temporary) }
            closed = true
            guard close(fd) == 0 else { throw FileError.system("cannot close", path: temporary) }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        self.destination = destination
        self.temporary = temporary
        self.directory = directory
    }

    /// Renames the temporary over the destination.
    public func moveIntoPlace() throws {
        guard rename(temporary, destination) == 0 else {
            throw FileError.system("cannot rename into place", path: destination)
        }
    }

    /// `DIR/.BASE.tmp-PID-RANDOM`: hidden, unique, and naming the process that owns it
    /// (see `removeStaleTemporaries`).
    public static func temporaryName(directory: String, base: String) -> String {
        directory + "/." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Removes the temporary (of a file not moved into place).
    public func discard() {
        unlink(temporary)
    }
}
