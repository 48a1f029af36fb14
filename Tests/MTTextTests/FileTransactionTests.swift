import Foundation
import MTText
import Testing

@Suite struct FileTransactionTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "file-transaction-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func listing(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []).sorted()
    }

    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func commitPutsEveryFileInPlaceAndNothingElse() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/a"))
        let files = FileTransaction()
        try files.makeDirectory(dir + "/new/deeper")
        try files.write("text", to: dir + "/a")
        try files.write([1, 2, 3], to: dir + "/new/deeper/b")
        try files.write(Data("data".utf8), to: dir + "/new/c")
        // Nothing is in place before the commit.
        #expect(contents(dir + "/a") == "old")
        #expect(!FileManager.default.fileExists(atPath: dir + "/new/c"))
        try files.commit()
        #expect(listing(dir) == ["a", "new", "new/c", "new/deeper", "new/deeper/b"])
        #expect(contents(dir + "/a") == "text")
        #expect(FileManager.default.contents(atPath: dir + "/new/deeper/b") == Data([1, 2, 3]))
        #expect(contents(dir + "/new/c") == "data")
    }

    /// A directory the transaction makes is built aside and appears whole at the commit;
    /// the staging directory of a dead process is removed by the next transaction.
    @Test func aNewDirectoryAppearsOnlyAtTheCommit() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/.new.tmp-999999999-1", withIntermediateDirectories: false)
        let files = FileTransaction()
        try files.makeDirectory(dir + "/new/deeper")
        try files.write("b", to: dir + "/new/deeper/b")
        try files.write("c", to: dir + "/new/c")
        #expect(!FileManager.default.fileExists(atPath: dir + "/new"))
        let staging = listing(dir).filter { !$0.contains("/") }
        #expect(staging.count == 1 && staging[0].hasPrefix(".new.tmp-\(getpid())-"), "\(listing(dir))")
        try files.commit()
        #expect(listing(dir) == ["new", "new/c", "new/deeper", "new/deeper/b"])
        #expect(contents(dir + "/new/deeper/b") == "b")
    }

    @Test func anUncommittedTransactionLeavesEverythingAsItWas() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/a"))
        do {
            let files = FileTransaction()
            try files.makeDirectory(dir + "/new/deeper")
            try files.write("text", to: dir + "/a")
            try files.write("b", to: dir + "/new/deeper/b")
        }
        #expect(listing(dir) == ["a"])
        #expect(contents(dir + "/a") == "old")
    }

    @Test func aFailedWriteRollsBackToNothing() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = FileTransaction()
        try files.makeDirectory(dir + "/out")
        try files.write("a", to: dir + "/out/a")
        #expect(throws: (any Error).self) { try files.write("b", to: dir + "/missing/b") }
        files.rollback()
        #expect(listing(dir) == [])
    }

    @Test func aDirectoryThatIsAFileIsAnError() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data().write(to: URL(fileURLWithPath: dir + "/plain"))
        let files = FileTransaction()
        #expect(throws: TextError("exists and is not a directory", at: dir + "/plain")) { try files.makeDirectory(dir + "/plain") }
        #expect(throws: TextError("cannot create directory: Not a directory", at: dir + "/plain/x")) {
            try files.makeDirectory(dir + "/plain/x")
        }
    }
}
