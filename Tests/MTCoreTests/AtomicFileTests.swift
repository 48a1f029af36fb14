import Foundation
import MTCore
import Testing

@Suite struct AtomicFileTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "atomic-file-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func listing(_ dir: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

    @Test func writeReplacesTheFileAndLeavesNothingElse() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/f"
        try AtomicFile.write(Array("old".utf8), to: path)
        try AtomicFile.write(to: path) { out in
            try out.write("new ")
            try out.write([0, 255])
        }
        #expect(try AtomicFile.read(path) == Array("new ".utf8) + [0, 255])
        #expect(try listing(dir) == ["f"])
    }

    @Test func aFailingBodyLeavesTheOldFileAndNoTemporary() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/f"
        try AtomicFile.write(Array("old".utf8), to: path)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try AtomicFile.write(to: path) { out in
                try out.write(Array(repeating: 7, count: 100_000))
                throw Boom()
            }
        }
        #expect(try AtomicFile.read(path) == Array("old".utf8))
        #expect(try listing(dir) == ["f"])
    }

    @Test func aStagedFileIsOnDiskBesideItsDestinationUntilMovedOrDiscarded() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let kept = try StagedFile(for: dir + "/kept") { try $0.write("k") }
        let dropped = try StagedFile(for: dir + "/dropped") { try $0.write("d") }
        #expect(kept.directory == dir && kept.temporary.hasPrefix(dir + "/.kept.tmp-"))
        #expect(try listing(dir).count == 2 && !FileManager.default.fileExists(atPath: dir + "/kept"))
        try kept.moveIntoPlace()
        dropped.discard()
        #expect(try listing(dir) == ["kept"])
        #expect(try AtomicFile.read(dir + "/kept") == Array("k".utf8))
    }

    @Test func errorsNameThePath() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            try AtomicFile.write([1], to: dir + "/missing-dir/x")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("cannot create a file: No such file or directory (\(dir)/missing-dir/.x.tmp-"))
        }
        #expect(throws: FileError("not a regular file", path: dir)) { try AtomicFile.read(dir) }
        #expect(throws: FileError("cannot open: No such file or directory", path: dir + "/none")) {
            try AtomicFile.read(dir + "/none")
        }
        #expect(throws: FileError("not a file name", path: dir + "/")) { try AtomicFile.write([1], to: dir + "/") }
    }
}
