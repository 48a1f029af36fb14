import ArgumentParser
import Foundation
import MTCommandLine
import MTCore
import MTTensor
import MTTrain

#if canImport(Glibc)
import Glibc
#endif

@main
struct MTTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mt-train",
        abstract: "Train a translation model on a directory written by mt-preprocess.",
        discussion: """
            Settings come from the defaults, then --config, then each --set key=value, then the \
            direct options below. Every key is listed by --list-keys.

            Files beside --save MODEL.safetensors: MODEL.safetensors (best validation BLEU), \
            MODEL.last.safetensors (latest checkpoint), MODEL.last.optimizer.safetensors (resume \
            state: parameters, optimiser moments, batch position, generator), MODEL.log.tsv (log). \
            Checkpoints are taken at every validation, every --checkpoint-time (10 minutes by default), \
            every --checkpoint-interval updates and at the end; --resume continues from the latest one. \
            --keep-checkpoints N also keeps the last N of validations and --checkpoint-interval as \
            MODEL.step-STEP.safetensors. SIGINT or SIGTERM stop training cleanly with a checkpoint.

            Started by mpirun or srun (in a build with SWIFTNMT_MPI=1), each process is one rank of \
            a data-parallel job: every batch is shared out among ranks × workers parts, the \
            gradients are summed across the ranks, and rank 0 alone writes the files and reports.
            """)

    @Option(help: "Preprocessed data directory (from mt-preprocess).") var data: String?
    @Option(help: "Vocabulary directory, if not the one recorded in --data.") var vocabDir: String?
    @Option(help: "Where to write the model (the best one); other files go beside it.") var save: String?
    @Option(help: "YAML configuration file (see scripts/configs/).") var config: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a setting, e.g. --set model.dropout=0.2 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []
    @Flag(help: "Continue from the resume state beside --save.") var resume = false
    @Option(help: "Training log (TSV); default MODEL.log.tsv beside --save.") var log: String?

    @Option(help: "Passes over the data (0 = no limit).") var epochs: Int?
    @Option(help: "Stop after this many updates (0 = no limit).") var maxSteps: Int?
    @Option(help: "Stop (with a checkpoint) after this long: seconds, or 90m, 2h, 1h30m.") var timeBudget: String?
    @Option(help: "Padded target tokens per batch at most.") var batchTokens: Int?
    @Option(help: "Sentences per batch at most.") var batchSentences: Int?
    @Option(help: "Base learning rate.") var lr: String?
    @Option(help: "Random seed.") var seed: String?
    @Option(help: "Threads (0 = one per core, the default), shared out among the workers for BLAS.") var threads: Int?
    @Option(help: "Data-parallel workers, each with a share of every batch (default 1).") var workers: Int?
    @Option(help: "Validate and checkpoint every N updates (0 = after each epoch).") var validInterval: Int?
    @Option(help: "Log every N updates.") var logInterval: Int?
    @Option(help: "Under mpirun: exact (sum the ranks' gradients in the in-process order, bit for bit) or fast (MPI_Allreduce); default exact.")
    var gradientSum: String?
    @Option(help: "Under mpirun: on (sum the gradients while the backward pass runs, the default) or off (after it); the same result either way.")
    var gradientOverlap: String?
    @Option(help: "Under mpirun: compare the ranks' parameters every N updates (0 = at checkpoints only; default 100).")
    var checkInterval: Int?
    @Option(help: "Also checkpoint every N updates (0 = not by count).") var checkpointInterval: Int?
    @Option(help: "Checkpoint at least this often: seconds, or 10m, 1h (0 = only at validations and by count).")
    var checkpointTime: String?
    @Option(help: "Keep the last N checkpoints as MODEL.step-STEP.safetensors (0 = none).") var keepCheckpoints: Int?

    @Flag(help: "Print the final configuration as YAML and exit.") var printConfig = false
    @Flag(help: "List every configuration key with its default and meaning, and exit.") var listKeys = false

    /// The direct options as overrides, applied after --set.
    var flagOverrides: [String] {
        var o: [String] = []
        func add(_ key: String, _ value: CustomStringConvertible?) { if let value { o.append("\(key)=\(value)") } }
        add("training.epochs", epochs)
        add("training.max_steps", maxSteps)
        add("training.time_budget", timeBudget)
        add("training.batch_tokens", batchTokens)
        add("training.max_batch_sentences", batchSentences)
        add("training.learning_rate", lr)
        add("training.seed", seed)
        add("training.threads", threads)
        add("training.workers", workers)
        add("training.validation_interval", validInterval)
        add("training.log_interval", logInterval)
        add("training.checkpoint_interval", checkpointInterval)
        add("training.checkpoint_time", checkpointTime)
        add("training.keep_checkpoints", keepCheckpoints)
        return o
    }

    static func main() {
        ProcessArithmetic.prepare()
        mainReportingErrors(program: "mt-train")
    }

    func run() throws {
        if listKeys {
            for f in TrainingConfig.fields {
                print("\(f.key) (default \(f.defaultValue)): \(f.help)")
            }
            return
        }
        var options = TrainOptions()
        options.configPath = config
        options.overrides = overrides + flagOverrides
        if printConfig {
            print(try options.configuration(resumeConfig: nil).yamlText(), terminator: "")
            return
        }
        guard let data else { throw TrainingError("missing --data DIR (a directory written by mt-preprocess)") }
        guard let save else { throw TrainingError("missing --save MODEL.safetensors (where to write the model)") }
        options.dataDirectory = data
        options.vocabularyDirectory = vocabDir
        options.modelPath = save
        options.logPath = log
        options.resume = resume
        let summationName = gradientSum ?? GradientSummation.exact.rawValue
        guard let summation = GradientSummation(rawValue: summationName) else {
            throw TrainingError("--gradient-sum must be exact or fast (got '\(summationName)')")
        }
        if let checkInterval, checkInterval < 0 { throw TrainingError("--check-interval must be at least 0 (got \(checkInterval))") }
        let overlapName = gradientOverlap ?? "on"
        guard overlapName == "on" || overlapName == "off" else {
            throw TrainingError("--gradient-overlap must be on or off (got '\(overlapName)')")
        }
        let distributed = try MPIJob.join(
            summation: summation, checkInterval: checkInterval ?? 100, overlap: overlapName == "on")
        installStopHandlers()
        let outcome = try TrainingRun.run(options, stopRequested: { stopSignal != 0 }, distributed: distributed)
        MPIJob.leave()
        if let distributed, !distributed.isWriter { return }
        if let bleu = outcome.bestBLEU {
            StandardError.write("mt-train: best validation BLEU \(String(format: "%.2f", bleu)) (\(save))\n")
        }
    }
}

/// Set by SIGINT/SIGTERM; the trainer stops at the next step boundary and checkpoints.
nonisolated(unsafe) var stopSignal: sig_atomic_t = 0

func installStopHandlers() {
    let handler: @convention(c) (Int32) -> Void = { _ in
        // A second signal ends the process at once.
        if stopSignal != 0 { _exit(130) }
        stopSignal = 1
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
}
