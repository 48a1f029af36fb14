import Foundation
import MTCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FileLockTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "file-lock-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// flock locks belong to open files, so a second lock in the same process conflicts as
    /// one in another process would.
    @Test func aHeldLockRefusesAnotherAndNamesItsOwner() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try FileLock(path: dir + "/m.lock", owner: "pid 1")
        #expect(first.previousOwner == nil)
        #expect(throws: FileLock.Busy(path: dir + "/m.lock", owner: "pid 1")) { _ = try FileLock(path: dir + "/m.lock", owner: "pid 2") }
        first.release()
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.lock"), "released locks leave no file")
        let second = try FileLock(path: dir + "/m.lock", owner: "pid 2")
        #expect(second.previousOwner == nil)
        withExtendedLifetime(second) {}
    }

    /// A lock file whose owner died (its lock released by the kernel) is taken over, and
    /// what it held is reported as the previous owner.
    @Test func aStaleLockFileDoesNotBlock() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "pid 999999 since yesterday\n".write(toFile: dir + "/m.lock", atomically: false, encoding: .utf8)
        let lock = try FileLock(path: dir + "/m.lock", owner: "pid 3")
        #expect(lock.previousOwner == "pid 999999 since yesterday")
        #expect(try String(contentsOfFile: dir + "/m.lock", encoding: .utf8) == "pid 3\n")
    }

    @Test func aLockInAMissingDirectoryIsAFileError() throws {
        #expect(throws: FileError.self) { _ = try FileLock(path: "/nonexistent-dir-\(UUID())/m.lock", owner: "x") }
    }
}
