import Foundation
import MTTensor
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The programs under SIGKILL at random moments and with their output directory taken
/// away mid-run. Every loop is bounded in count and in time.
@Suite struct FaultInjectionCLITests {
    static let trainArgs = ["--data", "data", "--max-steps", "40", "--valid-interval", "10", "--seed", "7",
                            "--set", "training.early_stopping_patience=0"] + TrainCLITests.tiny

    /// Every file below `dir` (relative path → bytes).
    static func snapshot(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for case let name as String in FileManager.default.enumerator(atPath: dir) ?? FileManager.DirectoryEnumerator() {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir), !isDir.boolValue {
                out[name] = FileManager.default.contents(atPath: dir + "/" + name)
            }
        }
        return out
    }

    static func temporaries(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// The tensors of two models agree bit for bit.
    static func expectSameTensors(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try TrainCLITests.tensors(a), y = try TrainCLITests.tensors(b)
        #expect(x.header == y.header, "\(a) vs \(b): tensor table", sourceLocation: sourceLocation)
        #expect(x.data == y.data, "\(a) vs \(b): tensor bytes differ", sourceLocation: sourceLocation)
    }

    /// Killed at random moments of a run that checkpoints after every update (so most kills
    /// land in a checkpoint's writes), each restart resuming from what the kill left: every
    /// resume succeeds, and the run ends with the uninterrupted run's tensors.
    @Test func killedAtRandomMomentsResumesToTheUninterruptedRunsTensors() throws {
        let dir = try TrainCLITests.prepared()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = Self.trainArgs + ["--checkpoint-interval", "1"]
        let started = Date()
        let straight = try TrainCLITests.run(TrainCLITests.train, args + ["--save", "a.safetensors"], in: dir)
        #expect(straight.status == 0, "\(straight.stderr)")
        // Kill times scale with the machine's speed (and a sanitizer's slowdown).
        let seconds = Date().timeIntervalSince(started)

        let random = SeededRandom(seed: 17)
        let state = dir + "/b.last.optimizer.safetensors"
        let deadline = Date().addingTimeInterval(max(60, 6 * seconds))
        var kills = 0, resumes = 0
        for _ in 0..<10 where Date() < deadline {
            let resuming = FileManager.default.fileExists(atPath: state)
            let (p, err) = try TrainCLITests.start(
                TrainCLITests.train, args + ["--save", "b.safetensors"] + (resuming ? ["--resume"] : []), in: dir)
            usleep(UInt32(random.uniform(0.05, 0.35) * seconds * 1e6))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: err)
            if resuming { resumes += 1 }
            if p.terminationReason == .exit {
                #expect(p.terminationStatus == 0, "a run \(resuming ? "resuming after a kill " : "")failed: \(stderr)")
                break
            }
        }
        let last = try TrainCLITests.run(TrainCLITests.train, args + ["--save", "b.safetensors", "--resume"], in: dir)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(kills >= 3 && resumes >= 2, "\(kills) kills, \(resumes) resumes")
        for (x, y) in [("a.last.safetensors", "b.last.safetensors"), ("a.safetensors", "b.safetensors")] {
            try Self.expectSameTensors(dir + "/" + x, dir + "/" + y)
        }
        #expect(Self.temporaries(dir).isEmpty, "temporaries of killed runs are cleared: \(Self.temporaries(dir))")
        #expect(!FileManager.default.fileExists(atPath: dir + "/b.lock"))
    }

    /// Killed at random moments, mt-preprocess leaves its output directory either complete
    /// (the same files as an uninterrupted run) or absent, never partly written; the next
    /// run removes the staging directories that kills left.
    @Test func killedPreprocessingLeavesItsOutputCompleteOrAbsent() throws {
        let dir = NSTemporaryDirectory() + "mt-preprocess-kill-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = TrainCLITests.sample
        let args = ["--train-src", sample + "/train.de", "--train-tgt", sample + "/train.en", "--valid-src", sample + "/valid.de",
                    "--valid-tgt", sample + "/valid.en", "--out", "out", "--vocab-dir", "out/vocab", "--bpe-merges", "300"]
        let started = Date()
        let reference = try TrainCLITests.run(TrainCLITests.preprocess, args, in: dir)
        let seconds = Date().timeIntervalSince(started)
        #expect(reference.status == 0, "\(reference.stderr)")
        let complete = Self.snapshot(dir + "/out")
        #expect(complete.keys.contains("settings.json") && complete.keys.contains("vocab/source.vocab") && complete.count >= 8, "\(complete.keys)")
        try FileManager.default.removeItem(atPath: dir + "/out")

        let random = SeededRandom(seed: 5)
        var outcomes = (absent: 0, complete: 0)
        for _ in 0..<8 {
            let (p, err) = try TrainCLITests.start(TrainCLITests.preprocess, args, in: dir)
            usleep(UInt32(random.uniform(0, 1.1 * seconds) * 1e6))
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
            try? FileManager.default.removeItem(atPath: err)
            if FileManager.default.fileExists(atPath: dir + "/out") {
                #expect(Self.snapshot(dir + "/out") == complete, "a partly written output directory")
                outcomes.complete += 1
                try FileManager.default.removeItem(atPath: dir + "/out")
            } else {
                outcomes.absent += 1
            }
        }
        #expect(outcomes.absent >= 1, "no kill came before the end: \(outcomes)")
        let last = try TrainCLITests.run(TrainCLITests.preprocess, args, in: dir)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(Self.snapshot(dir + "/out") == complete)
        #expect(Self.temporaries(dir).isEmpty, "staging directories of killed runs are cleared: \(Self.temporaries(dir))")
    }

    enum Loss: String, CaseIterable { case readOnly, vanished }

    /// The model's directory turns read-only, or is moved away, after the first
    /// checkpoint: the next checkpoint fails with one clear error, the last checkpoint is
    /// intact, and once the directory is back `--resume` ends with the tensors of a run
    /// never disturbed.
    @Test(arguments: Loss.allCases)
    func outputDirectoryLostMidTraining(_ loss: Loss) throws {
        let dir = try TrainCLITests.prepared()
        defer {
            chmod(dir + "/out", 0o755)
            try? FileManager.default.removeItem(atPath: dir)
        }
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let args = Self.trainArgs + ["--checkpoint-interval", "5", "--log", "train.log.tsv"]
        let straight = try TrainCLITests.run(TrainCLITests.train, args + ["--save", "a.safetensors"], in: dir)
        #expect(straight.status == 0, "\(straight.stderr)")

        // Root writes into read-only directories unless it lacks CAP_DAC_OVERRIDE.
        let dropPrivilege = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        if loss == .readOnly, getuid() == 0, !dropPrivilege {
            print("skipped: a read-only directory needs setpriv (util-linux) to drop root's CAP_DAC_OVERRIDE")
            return
        }
        let (binary, prefix) = dropPrivilege
            ? ("/usr/bin/setpriv", ["--bounding-set=-dac_override,-dac_read_search,-fowner", TrainCLITests.train])
            : (TrainCLITests.train, [])
        let (p, err) = try TrainCLITests.start(binary, prefix + args + ["--save", "out/m.safetensors"], in: dir)
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        let state = dir + "/out/m.last.optimizer.safetensors"
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning, Date() < deadline, !FileManager.default.fileExists(atPath: state) { usleep(1_000) }
        switch loss {
        case .readOnly: #expect(chmod(dir + "/out", 0o555) == 0)
        case .vanished: try FileManager.default.moveItem(atPath: dir + "/out", toPath: dir + "/gone")
        }
        let kept = Self.snapshot(dir + (loss == .readOnly ? "/out" : "/gone"))
        p.waitUntilExit()
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: err)
        #expect(p.terminationStatus != 0, "training went on without its directory")
        let errors = stderr.split(separator: "\n").filter { $0.hasPrefix("mt-train: error: ") }
        let reason = loss == .readOnly ? "Permission denied" : "No such file or directory"
        #expect(errors.count == 1 && errors[0].contains(reason) && errors[0].contains("out/"), "\(stderr)")

        switch loss {
        case .readOnly: #expect(chmod(dir + "/out", 0o755) == 0)
        case .vanished: try FileManager.default.moveItem(atPath: dir + "/gone", toPath: dir + "/out")
        }
        // Nothing was lost: the checkpoint files are those of the last checkpoint, whole.
        let now = Self.snapshot(dir + "/out").filter { !$0.key.hasSuffix(".lock") }
        #expect(now == kept.filter { !$0.key.hasSuffix(".lock") }, "files changed after the directory was lost")
        #expect(Self.temporaries(dir + "/out").isEmpty)
        let resumed = try TrainCLITests.run(TrainCLITests.train, args + ["--save", "out/m.safetensors", "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try Self.expectSameTensors(dir + "/a.last.safetensors", dir + "/out/m.last.safetensors")
    }
}
