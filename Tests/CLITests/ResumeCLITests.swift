import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What `mt-train --resume` says when the earlier run left nothing to resume.
@Suite struct ResumeCLITests {
    @Test func killedBeforeItsFirstCheckpointSaysSo() throws {
        let dir = try TrainCLITests.prepared()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--data", "data", "--save", "m.safetensors", "--epochs", "3"] + TrainCLITests.tiny
        let nothing = try TrainCLITests.run(TrainCLITests.train, args + ["--resume"], in: dir)
        TrainCLITests().expectOneError(nothing, contains: "no resume state to continue from: no run has trained with this --save path")

        // Killed as soon as it has started (its log exists): an epoch before its first checkpoint.
        let (p, err) = try TrainCLITests.start(TrainCLITests.train, args, in: dir)
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning, Date() < deadline, !FileManager.default.fileExists(atPath: dir + "/m.log.tsv") { usleep(2_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: err)
        #expect(p.terminationReason == .uncaughtSignal)
        try #require(!FileManager.default.fileExists(atPath: dir + "/m.last.optimizer.safetensors"), "checkpointed before the kill")
        let r = try TrainCLITests.run(TrainCLITests.train, args + ["--resume"], in: dir)
        TrainCLITests().expectOneError(r, contains: "the run (mt-train pid \(p.processIdentifier) since ")
        TrainCLITests().expectOneError(r, contains: ", killed) that wrote m.log.tsv was stopped before its first checkpoint")
    }
}
