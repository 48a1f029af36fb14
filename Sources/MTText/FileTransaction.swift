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
        // Record each missing ancestor, outermost first, so rollback removes what we made.
        var missing: [String] = []
        var p = (path as NSString).standardizingPath
        while !p.isEmpty, p != "/", !FileManager.default.fileExists(atPath: p) {
            missing.insert(p, at: 0)
            p = (p as NSString).deletingLastPathComponent
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw TextError("cannot create directory: \(FileTransaction.reason(error))", at: path)
        }
        createdDirectories += missing
    }

    public func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    public func write(_ bytes: [UInt8], to path: String) throws {
        try write(Data(bytes), to: path)
    }

    public func write(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw TextError("cannot write file: \(FileTransaction.writeFailure(dir))", at: path)
        }
        staged.append((temporary, path))
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

    private static func writeFailure(_ dir: String) -> String {
        let d = dir.isEmpty ? "." : dir
        if !FileManager.default.isWritableFile(atPath: d) { return "directory is not writable" }
        return "write failed"
    }

    private static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}
