import Foundation
import MTCore
import MTTensor
import MTText

/// What `mt-train` was asked to do, before any file is read.
public struct TrainOptions: Sendable {
    public var dataDirectory = ""
    public var vocabularyDirectory: String?
    /// `--save`: the best model; the other files go beside it (`CheckpointPaths`).
    public var modelPath = ""
    public var logPath: String?
    public var configPath: String?
    /// `key=value` settings applied in order after the configuration file.
    public var overrides: [String] = []
    public var resume = false
    /// Live progress line; nil decides by whether stderr is a terminal.
    public var interactive: Bool?

    public init() {}

    /// Defaults (or, resuming, the stored configuration), then the file, then the overrides.
    public func configuration(resumeConfig: TrainingConfig?) throws -> TrainingConfig {
        var config = resumeConfig ?? TrainingConfig()
        if let configPath { config = try TrainingConfig.load(contentsOf: configPath) }
        for o in overrides {
            do {
                try config.apply(overrides: [o])
            } catch var e as ConfigError {
                e.location = e.location ?? "--set \(o)"
                throw e
            }
        }
        return config
    }
}

/// One `mt-train` invocation: configuration, data, model, training, checkpoints. Across
/// processes (`distributed`), every rank runs it on the same files; rank 0 alone reports
/// and writes.
public enum TrainingRun {
    public static func run(
        _ options: TrainOptions, stopRequested: @escaping () -> Bool = { false }, distributed: DistributedTraining? = nil
    ) throws -> TrainingOutcome {
        let writer = distributed?.isWriter ?? true
        let paths = CheckpointPaths(model: options.modelPath, log: options.logPath)
        let directory = (options.modelPath as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        // Only the writer needs it: the other ranks may run on hosts without it.
        guard !writer || directory.isEmpty || (FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue)
        else { throw TrainingError("no such directory for the model", at: options.modelPath) }
        // The writer's lock: the other ranks write nothing (and may share its directory).
        let lock = writer ? try paths.lockForTraining() : nil
        defer { lock?.release() }

        if options.resume, !FileManager.default.fileExists(atPath: paths.resumeState) {
            throw paths.missingResumeStateError(killedRun: lock?.previousOwner)
        }
        let stored = options.resume ? try ResumeFile.open(paths.resumeState).config : nil
        let config = try options.configuration(resumeConfig: stored)
        let t = config.training
        BLASThreads.set(blasThreads(threads: t.threads, workers: t.workers))
        // Packed per-step products pay with single-threaded BLAS calls (PackedProducts).
        PackedProducts.enabled = BLASThreads.current == 1

        let data = try PreprocessedData(directory: options.dataDirectory, vocabularyDirectory: options.vocabularyDirectory)
        let pipeline = try data.makePipeline()
        let train = try data.loadTrain()
        let validation = try ValidationSet.load(data, pipeline: pipeline)

        let trainer = try Trainer(
            config: config, sourceVocabularySize: data.sourceVocabulary.count,
            targetVocabularySize: data.targetVocabulary.count, train: train, validation: validation,
            pipeline: pipeline, paths: writer ? paths : nil, distributed: distributed)
        if options.resume { try trainer.resume(from: paths.resumeState) }
        if let distributed {
            try distributed.checkSameRun(
                sameRunFingerprints(config: config, train: train, validation: validation, trainer: trainer, distributed: distributed))
        }
        guard writer else {
            trainer.stopRequested = stopRequested
            return try trainer.run()
        }
        let reporter = options.interactive.map {
            ProgressReporter(logInterval: t.logInterval, interactive: $0, output: StandardError.write)
        } ?? ProgressReporter(logInterval: t.logInterval)
        trainer.reporter = reporter
        reporter.message("mt-train: \(t.workers) worker\(t.workers == 1 ? "" : "s"), each with \(BLASThreads.summary)")
        if let distributed {
            reporter.message(
                "mt-train: \(distributed.size) ranks × \(t.workers) worker\(t.workers == 1 ? "" : "s") = \(distributed.size * t.workers) parts per batch, \(distributed.summation.rawValue) gradient sum\(distributed.reducer?.overlaps == true ? " overlapping the backward pass" : "")")
        }
        if validation == nil {
            reporter.message("mt-train: warning: no validation data in \(options.dataDirectory): no BLEU, no early stopping; the model file is the latest")
        }
        trainer.log = try TrainingLog(path: paths.log, resumingAt: options.resume ? trainer.state.step : nil)
        trainer.stopRequested = stopRequested
        let outcome = try trainer.run()
        if let reducer = distributed?.reducer, outcome.stepSeconds > 0 {
            let c = reducer.communicationSeconds, w = reducer.waitSeconds, s = outcome.stepSeconds
            func share(_ x: Double) -> String { String(format: "%.1f", x) + " s (" + String(format: "%.1f", 100 * x / s) + "%)" }
            if reducer.overlaps {
                let a = reducer.overlappedSeconds, hidden = reducer.hiddenSeconds
                reporter.message(
                    "all-reduce: \(share(c)) of \(String(format: "%.1f", s)) s of updates after the backward pass: \(String(format: "%.1f", a)) s summing in all, \(String(format: "%.1f", hidden)) s (\(String(format: "%.1f", a > 0 ? 100 * hidden / a : 0))%) of it hidden behind the backward pass")
                let stages = reducer.stageTimeline.map { String(format: "%.0f ms (%.1f%%)", 1000 * $0.leadSeconds, 100 * $0.share) }
                reporter.message(
                    "overlap: per stage (generator, decoder, target embedding, bridge, encoder layers top down, source embedding, the rest), time from final to the end of the backward pass (share of the gradient): \(stages.joined(separator: ", "))")
            } else {
                reporter.message(
                    "all-reduce: \(share(c)) of \(String(format: "%.1f", s)) s of updates: \(share(w)) waiting for the slowest rank, \(share(c - w)) summing")
            }
        }
        if let peak = peakMemoryKilobytes() {
            reporter.message("peak memory (VmHWM): \(peak / 1024) MiB")
        }
        return outcome
    }

    /// What the ranks of one job must share, each as one hash: the configuration (with the
    /// options of the job), the data, and the point a resumed run starts from.
    static func sameRunFingerprints(
        config: TrainingConfig, train: any ParallelCorpus, validation: ValidationSet?, trainer: Trainer,
        distributed: DistributedTraining
    ) throws -> [(what: String, hash: UInt64)] {
        var c = Fingerprint()
        c.add(try config.jsonString())
        c.add(distributed.summation.rawValue)
        c.add(distributed.overlap ? "overlap" : "no overlap")
        c.add([distributed.checkInterval, distributed.size])
        var d = Fingerprint()
        d.add([Fingerprint.corpus(train), UInt64(trainer.model.config.sourceVocabularySize), UInt64(trainer.model.config.targetVocabularySize)])
        if let validation {
            d.add([Fingerprint.corpus(validation.corpus)])
            for r in validation.references { d.add(r) }
        }
        var r = Fingerprint()
        r.add(try trainer.state.jsonString())
        r.add([parameterChecksum(trainer.model.store)])
        return [("a configuration", c.value), ("training or validation data", d.value), ("a resume state", r.value)]
    }

    /// BLAS threads per worker: the threads (0 = one per core) shared out among the workers,
    /// which call BLAS at the same time.
    public static func blasThreads(threads: Int, workers: Int) -> Int {
        let total = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        return max(1, total / max(1, workers))
    }

    /// The process's peak resident set size from /proc/self/status (Linux), in KiB.
    public static func peakMemoryKilobytes() -> Int? {
        // /proc files report size 0: read them in chunks until the end.
        guard let f = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }
}
