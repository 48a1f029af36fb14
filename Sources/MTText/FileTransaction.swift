import Foundation

/// Writes a set of files all or nothing: each goes to a temporary beside its
/// destination, and only when every one is written are they renamed into place.
/// On failure (or if never committed) the temporaries are removed.
public final class FileTransaction {
    private var staged: [(temporary: String, destination: String)] = []
    private var createdDirectories: [String] = []
    private var committed = false

    public init() {}

    deinit { if !committed { rollback() } }

    /// Creates `path` (and missing parents) if needed; removed again on rollback
    /// if this transaction created it.
    public func makeDirectory(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw TextError("exists and is not a directory", at: path) }
            return
        }
        // Create each missing ancestor, outermost first, and remember it for rollback.
        var missing: [String] = []
        var p = (path as NSString).standardizingPath
        while !p.isEmpty, p != "/", p != ".", !FileManager.default.fileExists(atPath: p) {
            missing.insert(p, at: 0)
            p = (p as NSString).deletingLastPathComponent
        }
        for d in missing {
            if mkdir(d, 0o755) != 0 && errno != EEXIST {
                throw TextError("cannot create directory: \(String(cString: strerror(errno)))", at: path)
            }
            createdDirectories.append(d)
        }
    }

    public func write(_ text: String, to path: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0), to: path) }
    }

    public func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write($0, to: path) }
    }

    public func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write($0, to: path) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TextError("cannot write file: \(String(cString: strerror(errno)))", at: path) }
        staged.append((temporary, path))
        let ok = writeAll(fd, bytes)
        let reason = String(cString: strerror(errno))
        guard close(fd) == 0, ok else { throw TextError("cannot write file: \(reason)", at: path) }
    }

    /// Renames every staged file into place.
    public func commit() throws {
        for (i, s) in staged.enumerated() {
            if rename(s.temporary, s.destination) != 0 {
                let reason = String(cString: strerror(errno))
                staged.removeFirst(i)
                rollback()
                throw TextError("cannot rename a temporary file into place: \(reason)", at: s.destination)
            }
        }
        staged.removeAll()
        committed = true
    }

    public func rollback() {
        for s in staged { try? FileManager.default.removeItem(atPath: s.temporary) }
        staged.removeAll()
        for d in createdDirectories.reversed() { rmdir(d) }  // only if empty: never remove what others put there
        createdDirectories.removeAll()
    }
}
