import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two mt-train runs on one `--save` path: the second refuses, naming the first; once the
/// first is killed, its lock no longer blocks.
@Suite struct SaveLockCLITests {
    @Test func aSecondRunOnTheSamePathRefusesAndAKilledRunsLockDoesNotBlock() throws {
        let dir = try TrainCLITests.prepared()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--data", "data", "--save", "m.safetensors"] + TrainCLITests.tiny
        let (first, err) = try TrainCLITests.start(TrainCLITests.train, args + ["--epochs", "0"], in: dir)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(60)
        while first.isRunning, Date() < deadline, !FileManager.default.fileExists(atPath: dir + "/m.log.tsv") { usleep(2_000) }
        #expect(first.isRunning)

        let second = try TrainCLITests.run(TrainCLITests.train, args + ["--max-steps", "1"], in: dir)
        TrainCLITests().expectOneError(second, contains: "this --save path is in use by mt-train pid \(first.processIdentifier) since ")
        let other = try TrainCLITests.run(TrainCLITests.train, ["--data", "data", "--save", "other.safetensors", "--max-steps", "1"] + TrainCLITests.tiny, in: dir)
        #expect(other.status == 0, "another --save path is free: \(other.stderr)")

        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        try? FileManager.default.removeItem(atPath: err)
        #expect(FileManager.default.fileExists(atPath: dir + "/m.lock"), "the killed run's lock file stays")
        let third = try TrainCLITests.run(TrainCLITests.train, args + ["--max-steps", "2"], in: dir)
        #expect(third.status == 0, "a killed run's lock blocked: \(third.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.lock"), "a finished run removes its lock")
    }
}
