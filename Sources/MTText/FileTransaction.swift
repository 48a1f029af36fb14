import Foundation
import MTCore

/// Writes a set of files all or nothing: each is staged as `AtomicFile` stages one (a
/// temporary beside its destination, flushed to disk), and only when every one is
/// written are they renamed into place and their directories flushed. On failure (or
/// if never committed) the temporaries are removed.
public final class FileTransaction {
    private var staged: [StagedFile] = []
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
        staged.append(try StagedFile(for: path) { try $0.write(bytes) })
    }

    /// Renames every staged file into place, then flushes the directories that gained
    /// an entry: those of the files and the parents of the directories created here.
    public func commit() throws {
        for (i, file) in staged.enumerated() {
            do {
                try file.moveIntoPlace()
            } catch {
                staged.removeFirst(i)
                rollback()
                throw error
            }
        }
        var synced = Set<String>()
        let parents = createdDirectories.reversed().map { ($0 as NSString).deletingLastPathComponent }
        for directory in staged.map(\.directory) + parents where synced.insert(directory).inserted {
            AtomicFile.syncDirectory(directory.isEmpty ? "." : directory)
        }
        staged.removeAll()
        committed = true
    }

    public func rollback() {
        for file in staged { file.discard() }
        staged.removeAll()
        for d in createdDirectories.reversed() { rmdir(d) }  // only if empty: never remove what others put there
        createdDirectories.removeAll()
    }
}
