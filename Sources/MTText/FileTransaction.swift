import Foundation
import MTCore

/// Writes a set of files all or nothing: each is staged as `AtomicFile` stages one (a
/// temporary beside its destination, flushed to disk), and only when every one is
/// written are they renamed into place and their directories flushed. On failure (or
/// if never committed) the temporaries are removed.
///
/// A directory the transaction creates is built under a temporary name beside it
/// (`StagedFile.temporaryName`) with everything staged into it, and renamed into place
/// last: it appears complete or not at all, even if the process is killed.
public final class FileTransaction {
    private var staged: [StagedFile] = []
    /// The directories made here: where they go, and where they are built until then.
    private var fresh: [(final: String, staging: String)] = []
    private var committed = false

    public init() {}

    deinit { if !committed { rollback() } }

    /// Creates `path` (and missing parents) if needed: in place on commit, removed on
    /// rollback.
    public func makeDirectory(_ path: String) throws {
        let at = location(path)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: at, isDirectory: &isDir) {
            guard isDir.boolValue else { throw TextError("exists and is not a directory", at: path) }
            return
        }
        if at != path {  // inside a directory made here
            try Self.makeDirectories(at, for: path)
            return
        }
        // The outermost missing ancestor is the one to build aside and rename.
        let full = Self.absolute(path)
        var outermost = full
        while true {
            let parent = (outermost as NSString).deletingLastPathComponent
            if parent.isEmpty || parent == "/" || FileManager.default.fileExists(atPath: parent) { break }
            outermost = parent
        }
        let parent = (outermost as NSString).deletingLastPathComponent
        let base = (outermost as NSString).lastPathComponent
        StagedFile.removeStaleTemporaries(in: parent, namesStartingWith: base + ".tmp-")
        let staging = StagedFile.temporaryName(directory: parent, base: base)
        try Self.makeDirectories(staging + full.dropFirst(outermost.count), for: path)
        fresh.append((outermost, staging))
    }

    /// Where a file or directory of this transaction is until the commit: inside the
    /// staging directory of a directory made here, else at `path` itself.
    private func location(_ path: String) -> String {
        guard !fresh.isEmpty else { return path }
        let full = Self.absolute(path)
        for d in fresh where full == d.final || full.hasPrefix(d.final + "/") {
            return d.staging + full.dropFirst(d.final.count)
        }
        return path
    }

    private static func absolute(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (p as NSString).standardizingPath
    }

    /// `mkdir -p directory`, errors named after `path`.
    private static func makeDirectories(_ directory: String, for path: String) throws {
        var missing: [String] = []
        var p = directory
        while !p.isEmpty, p != "/", !FileManager.default.fileExists(atPath: p) {
            missing.insert(p, at: 0)
            p = (p as NSString).deletingLastPathComponent
        }
        for d in missing where mkdir(d, 0o755) != 0 && errno != EEXIST {
            throw TextError("cannot create directory: \(String(cString: strerror(errno)))", at: path)
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
        staged.append(try StagedFile(for: location(path)) { try $0.write(bytes) })
    }

    /// Renames every staged file into place, then the directories made here (so they
    /// appear whole), flushing the directories that gained an entry. `invalidatingFirst`
    /// is a file of an existing directory, staged last, removed before any rename: if the
    /// process dies among the renames, its absence marks the set as incomplete.
    public func commit(invalidatingFirst marker: String? = nil) throws {
        if let marker, location(marker) == marker { unlink(marker) }
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
        for directory in staged.map(\.directory) where synced.insert(directory).inserted {
            AtomicFile.syncDirectory(directory.isEmpty ? "." : directory)
        }
        staged.removeAll()
        while let d = fresh.first {
            guard rename(d.staging, d.final) == 0 else {
                let e = TextError("cannot move the new directory into place: \(String(cString: strerror(errno)))", at: d.final)
                rollback()
                throw e
            }
            fresh.removeFirst()
            AtomicFile.syncDirectory((d.final as NSString).deletingLastPathComponent)
        }
        committed = true
    }

    public func rollback() {
        for file in staged { file.discard() }
        staged.removeAll()
        for d in fresh { try? FileManager.default.removeItem(atPath: d.staging) }
        fresh.removeAll()
    }
}
