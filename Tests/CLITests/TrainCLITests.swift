import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests of the mt-train binary (built by `swift build --build-tests`).
@Suite struct TrainCLITests {
    static let train = CLI.binary("mt-train")
    static let preprocess = CLI.binary("mt-preprocess")
    static let sample = CLI.packageRoot.appendingPathComponent("corpora/sample").path

    /// A tiny model that trains in seconds in a debug build.
    static let tiny = [
        "--set", "model.embedding_size=16", "--set", "model.hidden_size=32", "--set", "model.encoder_layers=1",
        "--set", "model.decoder_layers=1", "--set", "model.dropout=0.2", "--batch-tokens", "400", "--threads", "1",
        "--log-interval", "5",
    ]

    struct Result {
        var status: Int32
        var stderr: String
    }

    /// Runs a binary with arguments in `directory`, stdout and stderr to files.
    static func start(_ binary: String, _ arguments: [String], in directory: String) throws -> (Process, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        let err = directory + "/stderr-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: err)
        try p.run()
        return (p, err)
    }

    static func run(_ binary: String, _ arguments: [String], in directory: String) throws -> Result {
        let (p, err) = try start(binary, arguments, in: directory)
        p.waitUntilExit()
        let text = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: err)
        return Result(status: p.terminationStatus, stderr: text)
    }

    /// A scratch directory with `data/`: 300 sample pairs, 40 validation pairs, BPE.
    static func prepared() throws -> String {
        let dir = NSTemporaryDirectory() + "mt-train-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func head(_ name: String, _ n: Int, to out: String) throws {
            let lines = try String(contentsOfFile: sample + "/" + name, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            try (lines.prefix(n).joined(separator: "\n") + "\n").write(toFile: dir + "/" + out, atomically: true, encoding: .utf8)
        }
        try head("train.de", 300, to: "tr.de")
        try head("train.en", 300, to: "tr.en")
        try head("valid.de", 40, to: "va.de")
        try head("valid.en", 40, to: "va.en")
        let r = try run(
            preprocess,
            ["--train-src", "tr.de", "--train-tgt", "tr.en", "--valid-src", "va.de", "--valid-tgt", "va.en",
             "--out", "data", "--vocab-dir", "data/vocab", "--bpe-merges", "200", "--joint-bpe"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    /// The single `mt-train: error:` line of a failed run.
    func expectOneError(_ r: Result, contains fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, sourceLocation: sourceLocation)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("mt-train: error: ") }
        #expect(errors.count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(errors.first?.contains(fragment) == true, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    }

    /// The tensors of a safetensors file (header entries and data bytes), metadata left out.
    static func tensors(_ path: String) throws -> (header: NSDictionary, data: Data) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        var header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + n))) as! [String: Any]
        header["__metadata__"] = nil
        return (header as NSDictionary, bytes.subdata(in: (8 + n)..<bytes.count))
    }

    @Test func helpListsTheOptions() throws {
        let out = Pipe()
        let q = Process()
        q.executableURL = URL(fileURLWithPath: Self.train)
        q.arguments = ["--help"]
        q.standardOutput = out
        try q.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        q.waitUntilExit()
        for option in ["--data", "--save", "--config", "--set", "--resume", "--epochs", "--max-steps", "--time-budget",
                       "--batch-tokens", "--lr", "--seed", "--threads", "--valid-interval"] {
            #expect(text.contains(option), "\(option) missing from --help")
        }
    }

    @Test func trainsWritesBestLastStateAndLog() throws {
        let dir = try Self.prepared()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(Self.train, ["--data", "data", "--save", "m.safetensors", "--max-steps", "12", "--valid-interval", "6"] + Self.tiny, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for f in ["m.safetensors", "m.last.safetensors", "m.last.optimizer.safetensors", "m.log.tsv"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f)")
        }
        #expect(r.stderr.contains("validation at step 12"), "\(r.stderr)")
        #expect(r.stderr.contains("step 10 loss"), "\(r.stderr)")
        let log = try String(contentsOfFile: dir + "/m.log.tsv", encoding: .utf8)
        #expect(log.hasPrefix("kind\tepoch\tstep"))
        // Both model files are complete models for mt-translate.
        let translate = CLI.binary("mt-translate")
        for model in ["m.safetensors", "m.last.safetensors"] {
            let t = try Self.run(translate, ["--model", model, "--input", "va.de", "--beam-size", "1"], in: dir)
            #expect(t.status == 0, "\(model): \(t.stderr)")
        }
        #expect(log.split(separator: "\n").filter { $0.hasPrefix("validation\t") }.count == 2)
    }

    @Test func badInputGivesOneClearError() throws {
        let dir = try Self.prepared()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = ["--data", "data", "--save", "m.safetensors", "--max-steps", "1"] + Self.tiny
        expectOneError(try Self.run(Self.train, base + ["--set", "model.dropout=1.5"], in: dir), contains: "model.dropout must be in [0, 1)")
        expectOneError(try Self.run(Self.train, base + ["--set", "training.bogus=1"], in: dir), contains: "unknown key 'training.bogus'")
        expectOneError(try Self.run(Self.train, base + ["--lr", "0"], in: dir), contains: "training.learning_rate must be greater than 0 (got 0) (--set training.learning_rate=0)")
        expectOneError(try Self.run(Self.train, base + ["--config", "missing.yaml"], in: dir), contains: "missing.yaml")
        try "training:\n  epochs: -2\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        expectOneError(try Self.run(Self.train, base + ["--config", "bad.yaml"], in: dir), contains: "training.epochs must be at least 0 (got -2) (bad.yaml:2)")
        expectOneError(try Self.run(Self.train, ["--data", "nowhere", "--save", "m.safetensors"], in: dir), contains: "no such preprocessed data directory (nowhere)")
        expectOneError(try Self.run(Self.train, base + ["--resume"], in: dir), contains: "no resume state")
        expectOneError(try Self.run(Self.train, ["--data", "data", "--save", "no/such/dir/m.safetensors"], in: dir), contains: "no such directory")
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.safetensors"))

        // A vocabulary that is not the one the data was encoded with.
        let vocab = dir + "/data/vocab/target.vocab"
        let original = try String(contentsOfFile: vocab, encoding: .utf8)
        try (original + "zzz\t1\n").write(toFile: vocab, atomically: true, encoding: .utf8)
        expectOneError(try Self.run(Self.train, base, in: dir), contains: "does not match")
        try original.write(toFile: vocab, atomically: true, encoding: .utf8)

        // Data from another format version.
        let settings = dir + "/data/settings.json"
        let text = try String(contentsOfFile: settings, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\"formatVersion\":1", with: "\"formatVersion\":99")
            .replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 99")
        try changed.write(toFile: settings, atomically: true, encoding: .utf8)
        if changed != text {
            expectOneError(try Self.run(Self.train, base, in: dir), contains: "format version")
        }
        try text.write(toFile: settings, atomically: true, encoding: .utf8)

        // Resuming with a different model shape.
        let ok = try Self.run(Self.train, base, in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        expectOneError(
            try Self.run(Self.train, base + ["--resume", "--set", "model.hidden_size=48"], in: dir),
            contains: "model.hidden_size is 48, the resume state has 32")
    }

    /// Killed with SIGKILL mid-run and resumed, training ends with the same tensors as an
    /// uninterrupted run (with one worker and with two data-parallel workers).
    @Test(arguments: [1, 2])
    func killedAndResumedRunMatchesUninterruptedRun(workers: Int) throws {
        let dir = try Self.prepared()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--data", "data", "--max-steps", "70", "--valid-interval", "10", "--seed", "7",
                    "--set", "training.early_stopping_patience=0", "--workers", "\(workers)"] + Self.tiny
        let straight = try Self.run(Self.train, args + ["--save", "a.safetensors"], in: dir)
        #expect(straight.status == 0, "\(straight.stderr)")

        var kills = 0
        let state = dir + "/b.last.optimizer.safetensors"
        // Kill twice at different moments: after the first and after a later checkpoint.
        for (round, waitForStep) in [(0, 10), (1, 30)].enumerated().map({ ($0.offset, $0.element.1) }) {
            let (p, err) = try Self.start(Self.train, args + ["--save", "b.safetensors"] + (round > 0 ? ["--resume"] : []), in: dir)
            let deadline = Date().addingTimeInterval(120)
            // Wait for a checkpoint at or after the wanted step and a logged interval after it,
            // so the kill loses logged progress that the resumed run must not log twice.
            while p.isRunning, Date() < deadline {
                let log = (try? String(contentsOfFile: dir + "/b.log.tsv", encoding: .utf8)) ?? ""
                func steps(_ kind: String) -> [Int] {
                    log.split(separator: "\n").filter { $0.hasPrefix(kind + "\t") }
                        .compactMap { Int($0.split(separator: "\t")[2]) }
                }
                if FileManager.default.fileExists(atPath: state), let last = steps("validation").last,
                   last >= waitForStep, let logged = steps("train").last, logged > last { break }
                usleep(5_000)
            }
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            try? FileManager.default.removeItem(atPath: err)
        }
        let resumed = try Self.run(Self.train, args + ["--save", "b.safetensors", "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(kills >= 1, "the run finished before it could be killed")
        for (x, y) in [("a.last.safetensors", "b.last.safetensors"), ("a.safetensors", "b.safetensors")] {
            let a = try Self.tensors(dir + "/" + x), b = try Self.tensors(dir + "/" + y)
            #expect(a.header == b.header, "\(x) vs \(y): tensor table")
            #expect(a.data == b.data, "\(x) vs \(y): tensor bytes differ")
        }
        // The log lists every interval and validation once, as the uninterrupted run's does.
        func loggedSteps(_ name: String) throws -> [String] {
            try String(contentsOfFile: dir + "/" + name, encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).prefix(3).joined(separator: " ") }
        }
        #expect(try loggedSteps("b.log.tsv") == loggedSteps("a.log.tsv"))
    }
}
