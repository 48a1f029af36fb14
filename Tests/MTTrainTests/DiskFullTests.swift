import Foundation
import MTModel
import MTTensor
import MTTrain
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs that fills up between two checkpoints (mounting needs root, as in CI;
/// elsewhere the test is skipped).
@Suite struct DiskFullTests {
    /// Mounts a `size` tmpfs on a new directory; nil when this process may not mount.
    static func mountTmpfs(size: String) -> String? {
        guard let dir = try? TrainerFixture.scratch() else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir]
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            rmdir(dir)
            return nil
        }
        return dir
    }

    static func unmount(_ dir: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [dir]
        try? p.run()
        p.waitUntilExit()
        rmdir(dir)
    }

    static let canMount: Bool = {
        guard let dir = mountTmpfs(size: "64k") else { return false }
        unmount(dir)
        return true
    }()

    /// Writes zeros to `path` until the file system is full.
    static func fill(_ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT, 0o644)
        let block = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<100_000 where block.withUnsafeBytes({ write(fd, $0.baseAddress!, $0.count) }) > 0 {}
        for _ in 0..<4096 where block.withUnsafeBytes({ write(fd, $0.baseAddress!, 1) }) > 0 {}
        close(fd)
    }

    @Test(.enabled(if: canMount, "needs to mount a tmpfs (root)"))
    func aFullDiskFailsTheCheckpointClearlyAndLeavesThePreviousOneToResume() throws {
        let total = 23
        let straightDir = try TrainerFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: straightDir) }
        let straight = try ResumeDeterminismTests.trainer(ResumeDeterminismTests.config(maxSteps: total), dir: straightDir)
        _ = try straight.run()

        let dir = try #require(Self.mountTmpfs(size: "1m"))
        defer { Self.unmount(dir) }
        let first = try ResumeDeterminismTests.trainer(ResumeDeterminismTests.config(maxSteps: total), dir: dir)
        var kept: [String: Data] = [:]
        first.checkpointWritten = { step in
            guard step == 5 else { return }
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
                kept[name] = FileManager.default.contents(atPath: dir + "/" + name)
            }
            Self.fill(dir + "/filler")
        }
        do {
            _ = try first.run()
            Issue.record("the checkpoint on a full disk did not fail")
        } catch {
            #expect("\(error)".contains("No space left on device") && "\(error)".contains(dir), "\(error)")
        }
        #expect(first.state.step == 10, "stopped at the checkpoint that found the disk full")
        try FileManager.default.removeItem(atPath: dir + "/filler")
        var now: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            now[name] = FileManager.default.contents(atPath: dir + "/" + name)
        }
        #expect(kept.count == 3 && now == kept, "the step-5 checkpoint, whole, and no temporaries: \(now.keys.sorted())")

        let resumed = try ResumeDeterminismTests.trainer(ResumeDeterminismTests.config(maxSteps: total), dir: dir)
        try resumed.resume(from: CheckpointPaths(model: dir + "/m.safetensors").resumeState)
        #expect(resumed.state.step == 5)
        _ = try resumed.run()
        #expect(
            TrainerFixture.bits(TrainerFixture.parameters(straight.model))
                == TrainerFixture.bits(TrainerFixture.parameters(resumed.model)))
    }
}
