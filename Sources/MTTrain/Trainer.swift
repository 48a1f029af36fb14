import Foundation
import MTModel
import MTTensor
import MTText

/// Why training ended.
public enum StopReason: String, Equatable, Sendable {
    case epochs = "epoch limit reached"
    case maxSteps = "step limit reached"
    case timeBudget = "time budget used up"
    case earlyStopping = "no improvement on validation (early stopping)"
    case interrupted = "interrupted"
}

/// What a finished run reports.
public struct TrainingOutcome: Equatable, Sendable {
    public var reason: StopReason
    public var steps: Int
    public var bestBLEU: Double?
    public var lastValidation: ValidationResult?
    /// This run's (not earlier runs') updates: real target and source tokens, and the
    /// seconds spent in them (validation and checkpoints not counted).
    public var targetTokens = 0
    public var sourceTokens = 0
    public var stepSeconds = 0.0
}

/// The training loop: token-count batches in a seeded order, teacher forcing, global
/// gradient clipping, Adam or SGD with a learning-rate schedule, validation (perplexity
/// and greedy BLEU) with early stopping, and checkpoints a killed run resumes from.
///
/// Determinism: everything random comes from the seed. The batch plan depends on
/// (seed, epoch) only; dropout masks come from one generator whose state is part of
/// every checkpoint; validation draws nothing. Checkpoints are taken at step
/// boundaries, with the parameters, moments and state in one atomic file, so a run
/// resumed from any checkpoint ends with the same parameters as one never stopped
/// (with the same thread and worker counts). With several workers (`ThreadReducer`), each
/// batch's dropout streams are drawn from that one generator.
public final class Trainer {
    public let config: TrainingConfig
    public let model: Seq2Seq<Float>
    public let optimizer: Optimizer
    public let schedule: LearningRateSchedule
    public private(set) var state: TrainingState
    public let planner: BatchPlanner
    public let train: any ParallelCorpus
    public let validator: Validator?
    /// Makes model files mt-translate can read; nil writes bare parameters (tests).
    public let pipeline: TextPipeline?
    /// Where to checkpoint; nil keeps everything in memory.
    public let paths: CheckpointPaths?
    public var reporter: ProgressReporter?
    public var log: TrainingLog?
    /// Asked before every step; true stops training cleanly (with a checkpoint), e.g. on SIGINT.
    public var stopRequested: () -> Bool = { false }
    /// Fault injection for tests: true makes the loss of that update attempt non-finite.
    public var corruptLoss: ((_ attempt: Int) -> Bool)?
    /// This trainer's part in a job across processes; nil for a process alone.
    public let distributed: DistributedTraining?
    /// Called after each checkpoint with its step; tests throw from it to stop the run
    /// there as a kill would.
    public var checkpointWritten: ((_ step: Int) throws -> Void)?

    private var dropoutRandom: SeededRandom
    /// Forward, backward, clipping and the update's slices, for `training.workers` workers.
    private let reducer: any GradientReducer<Float>
    private var lastValidatedStep = -1
    private var lastCheckpointStep = -1
    /// The step and time (monotonic seconds) of the last checkpoint of any kind, for
    /// `checkpoint_interval` and `checkpoint_time`; `lastCheckpointStep` counts only those
    /// that may stand in for the end of an epoch's (those between updates validate nothing).
    private var lastWritten = (step: -1, time: 0.0)
    private var lastValidation: ValidationResult?
    private var attempts = 0
    private var totals = (target: 0, source: 0, sentences: 0, seconds: 0.0, flops: 0.0)
    /// The statistics since the last log line (or validation).
    private var interval = IntervalStatistics(start: 0)
    /// When this `run` started, and the seconds earlier runs had trained.
    private var clock = (start: 0.0, before: 0.0)

    /// A fresh run: the model initialised from the seed.
    public init(
        config: TrainingConfig, sourceVocabularySize: Int, targetVocabularySize: Int,
        train: any ParallelCorpus, validation: ValidationSet?, pipeline: TextPipeline? = nil,
        paths: CheckpointPaths? = nil, distributed: DistributedTraining? = nil
    ) throws {
        try config.validate()
        let modelConfig = Seq2SeqConfig(
            sourceVocabularySize: sourceVocabularySize, targetVocabularySize: targetVocabularySize, model: config.model)
        if let problem = modelConfig.problem { throw ConfigError(problem) }
        if let problem = modelConfig.trainingMemoryProblem(
            workers: config.training.workers, adam: config.training.optimizer == .adam, memory: physicalMemoryBytes())
        {
            throw ConfigError(problem)
        }
        self.config = config
        let random = SeededRandom(seed: config.training.seed)
        model = Seq2Seq<Float>(modelConfig, rng: random)
        // The same generator continues into the dropout masks.
        dropoutRandom = random
        let t = config.training
        switch t.optimizer {
        case .adam:
            optimizer = Adam(
                model.store, beta1: t.adamBeta1, beta2: t.adamBeta2, epsilon: t.adamEpsilon, weightDecay: t.weightDecay,
                decoupledWeightDecay: t.decoupledWeightDecay)
        case .sgd:
            optimizer = SGD(model.store, weightDecay: t.weightDecay)
        }
        self.distributed = distributed
        reducer = distributed?.makeReducer(model: model, workers: t.workers) ?? makeGradientReducer(model: model, workers: t.workers)
        schedule = t.makeSchedule()
        state = TrainingState(earlyStopping: EarlyStopping(patience: t.earlyStoppingPatience), randomState: random.state)
        planner = BatchPlanner(corpus: train, options: t.batching, seed: t.seed)
        guard !planner.included.isEmpty else {
            throw TrainingError(
                "no training pairs within the length limits (max_source_length \(t.maxSourceLength), max_target_length \(t.maxTargetLength))")
        }
        self.train = train
        validator = validation.map { Validator(set: $0, batchTokens: max(t.batchTokens, 1024)) }
        self.pipeline = pipeline
        self.paths = paths
    }

    /// Continues from a resume state file (see `ResumeFile`): parameters, optimiser
    /// moments, batch position, dropout generator, schedule and early stopping.
    public func resume(from path: String) throws {
        let (file, stored, saved) = try ResumeFile.open(path)
        let differences = config.modelDifferences(from: stored)
        guard differences.isEmpty else {
            throw TrainingError(
                "the configuration differs from the model being resumed: " + differences.joined(separator: "; "), at: path)
        }
        try ResumeFile.restore(file, model: model, optimizer: optimizer)
        guard optimizer.stepCount == saved.step, let random = SeededRandom(state: saved.randomState) else {
            throw TrainingError("the resume state is inconsistent (step or generator state)", at: path)
        }
        dropoutRandom = random
        schedule.restore(saved.schedule)
        state = saved
        // The early-stopping patience in force is the current configuration's.
        state.earlyStopping.patience = config.training.earlyStoppingPatience
        lastCheckpointStep = saved.step
        lastWritten.step = saved.step
    }

    // MARK: the loop

    public func run() throws -> TrainingOutcome {
        clock = (monotonicSeconds(), state.elapsedSeconds)
        lastWritten.time = clock.start
        interval = IntervalStatistics(start: monotonicSeconds())
        reporter?.message(
            "training: \(model.store.scalarCount) parameters, \(planner.included.count) pairs"
                + (planner.excludedCount > 0 ? " (\(planner.excludedCount) over the length limits left out)" : "")
                + ", \(planner.batchCount(epoch: state.position.epoch)) batches per epoch"
                + (state.step > 0 ? ", resuming at step \(state.step), epoch \(state.position.epoch)" : ""))
        while true {
            if let reason = try epochStopReason() ?? trainEpoch() { return try finish(reason) }
        }
    }

    /// Seconds trained, earlier runs included.
    private func elapsed() -> Double { clock.before + monotonicSeconds() - clock.start }

    /// Why training stops before an epoch starts, if it does.
    private func epochStopReason() -> StopReason? {
        // A resumed run that had already stopped early stays stopped.
        if state.earlyStopping.shouldStop { return .earlyStopping }
        if config.training.epochs > 0, state.position.epoch > config.training.epochs { return .epochs }
        return nil
    }

    /// Why training stops before the next step, if it does.
    private func stepStopReason() -> StopReason? {
        let t = config.training
        if t.maxSteps > 0, state.step >= t.maxSteps { return .maxSteps }
        if t.timeBudget > 0, elapsed() >= t.timeBudget { return .timeBudget }
        if stopRequested() { return .interrupted }
        return nil
    }

    /// The rest of the current epoch, then its validation and checkpoint; returns why
    /// training stops, or nil to go on with the next epoch.
    private func trainEpoch() throws -> StopReason? {
        let epoch = state.position.epoch
        let batches = planner.batches(epoch: epoch)
        while state.position.epoch == epoch, state.position.batch < batches.count {
            // Across processes, rank 0's decision (its clock, its signals) is every rank's.
            if let reason = distributed.map({ $0.agree(on: stepStopReason()) }) ?? stepStopReason() { return reason }
            try checkpointIfDue()
            if try update(batches) { return .earlyStopping }
        }
        if state.position.epoch == epoch { state.position = BatchPosition(epoch: epoch + 1, batch: 0) }
        // End of an epoch (the position already points at the next one).
        if state.step != lastCheckpointStep {
            if try validateAndCheckpoint(elapsed: elapsed()) { return .earlyStopping }
            interval = IntervalStatistics(start: monotonicSeconds())
        }
        return nil
    }

    /// One update attempt on the batch at the current position (skipped when the loss or
    /// norm is not finite), with its progress, log line and periodic validation. Returns
    /// whether early stopping says to stop.
    private func update(_ batches: [[Int]]) throws -> Bool {
        let t = config.training
        let stepStart = monotonicSeconds()
        // The batches of this update: accumulate_steps of them, fewer at the end of an epoch.
        let first = state.position.batch
        let group = (first..<min(first + max(1, t.accumulateSteps), batches.count)).map {
            Batch(corpus: train, indices: batches[$0])
        }
        let batch = group[0]
        let sums = group.count == 1
            ? reducer.forwardBackward(batch, training: true, rng: dropoutRandom)
            : reducer.forwardBackward(
                group, normalizer: group.reduce(0) { $0 + $1.targetTokenCount }, training: true, rng: dropoutRandom)
        attempts += 1
        var loss = sums.loss
        if let corruptLoss, corruptLoss(attempts) { loss = .nan }
        let norm = reducer.clipGradients(maxNorm: t.maxGradNorm)
        for _ in group { advancePosition(batchCount: batches.count) }
        guard loss.isFinite, norm.isFinite else {
            try skipNonFinite(loss: loss, norm: norm)
            return false
        }
        state.nonFiniteSteps = 0
        state.step += 1
        let lr = schedule.learningRate(step: state.step)
        optimizer.step(learningRate: lr, slices: reducer.parameterSlices)
        if let distributed, distributed.checkInterval > 0, state.step % distributed.checkInterval == 0 {
            try distributed.checkParameters(model.store, step: state.step)
        }
        let sourceTokens = group.reduce(0) { $0 + $1.sourceTokenCount }
        interval.add(sums, sourceTokens: sourceTokens)
        totals.target += sums.tokens
        totals.source += sourceTokens
        totals.sentences += group.reduce(0) { $0 + $1.batchSize }
        totals.flops += group.reduce(0) {
            $0 + model.config.trainingFLOPs(sourceLengths: $1.sourceLengths, targetLengths: $1.targetLengths)
        }
        totals.seconds += monotonicSeconds() - stepStart
        try reportProgress(learningRate: lr, batchesPerEpoch: batches.count)
        if t.validationInterval > 0, state.step % t.validationInterval == 0 {
            if try validateAndCheckpoint(elapsed: elapsed()) { return true }
            interval = IntervalStatistics(start: monotonicSeconds())
        }
        return false
    }

    /// A checkpoint before the next update when `checkpoint_interval` updates or
    /// `checkpoint_time` seconds have passed since the last one. It validates nothing (a
    /// validation would feed the schedule), like an interruption's, and comes after the
    /// validations of the step, so resuming from it reproduces the run never stopped.
    private func checkpointIfDue() throws {
        let t = config.training
        // Across processes every rank takes part in a checkpoint (the parameter check), and
        // rank 0's clock decides when; alone, a trainer without paths has nothing to write.
        guard paths != nil || distributed != nil else { return }
        var byCount = false, byClock = false
        if state.step != lastWritten.step, state.step > 0 {
            byCount = t.checkpointInterval > 0 && state.step % t.checkpointInterval == 0
            byClock = t.checkpointTime > 0 && monotonicSeconds() - lastWritten.time >= t.checkpointTime
        }
        if let distributed {
            let decision = distributed.agree(on: Int32(byCount ? 2 : byClock ? 1 : 0))
            (byCount, byClock) = (decision == 2, decision == 1)
        }
        guard byCount || byClock else { return }
        _ = try validateAndCheckpoint(elapsed: elapsed(), validate: false, numbered: byCount, betweenUpdates: true)
    }

    /// Counts a skipped update and warns; throws once too many came in a row.
    private func skipNonFinite(loss: Double, norm: Double) throws {
        let limit = config.training.maxNanSteps
        state.nonFiniteSteps += 1
        let what = loss.isFinite ? "gradient norm \(norm)" : "loss \(loss)"
        reporter?.message(
            "mt-train: warning: non-finite \(what) at step \(state.step + 1); update skipped"
                + " (\(state.nonFiniteSteps) in a row, giving up at \(limit))")
        if state.nonFiniteSteps >= limit {
            reporter?.finish()
            throw TrainingError(
                "training diverged: \(state.nonFiniteSteps) non-finite losses in a row; the last checkpoint is unchanged (lower training.learning_rate or set training.max_grad_norm)",
                at: "step \(state.step + 1)")
        }
    }

    /// The progress line after an update, and every `log_interval` steps a log line.
    private func reportProgress(learningRate lr: Double, batchesPerEpoch: Int) throws {
        let t = config.training
        let status = interval.status(
            epoch: epochOfLastUpdate, step: state.step,
            learningRate: lr,
            eta: estimatedTimeRemaining(
                elapsed: elapsed(), step: state.step, maxSteps: t.maxSteps,
                epoch: state.position.epoch, batchInEpoch: state.position.batch,
                batchesPerEpoch: batchesPerEpoch, epochs: t.epochs, timeBudget: t.timeBudget))
        reporter?.update(status)
        guard state.step % t.logInterval == 0 else { return }
        try log?.write(
            TrainingLogRecord(
                kind: .train, epoch: status.epoch, step: state.step, loss: status.loss,
                perplexity: status.perplexity, tokensPerSecond: status.tokensPerSecond,
                learningRate: lr, elapsed: elapsed()))
        interval = IntervalStatistics(start: monotonicSeconds())
    }

    /// Validates and saves the final state if not done yet, reports, and returns the outcome.
    private func finish(_ reason: StopReason) throws -> TrainingOutcome {
        if state.step != lastCheckpointStep {
            // An interruption is a pause: no validation, so the resumed run goes on exactly
            // as if it had never stopped (a validation would feed the schedule).
            _ = try validateAndCheckpoint(elapsed: elapsed(), validate: reason != .interrupted)
        }
        reporter?.finish()
        reporter?.message("training stopped at step \(state.step): \(reason.rawValue)")
        if totals.seconds > 0 {
            let s = totals.seconds
            reporter?.message(
                "throughput: \(totals.target) target tokens in \(String(format: "%.1f", s)) s of updates: "
                    + "\(String(format: "%.0f", Double(totals.target) / s)) target tok/s, "
                    + "\(String(format: "%.0f", Double(totals.target + totals.source) / s)) source+target tok/s, "
                    + "\(String(format: "%.1f", Double(totals.sentences) / s)) sentences/s, "
                    + "\(String(format: "%.1f", totals.flops / s / 1e9)) GFLOP/s of model arithmetic")
        }
        let best = state.earlyStopping.best.map { -$0.rounded(toPlaces: 4) }
        return TrainingOutcome(
            reason: reason, steps: state.step, bestBLEU: validator != nil ? best : nil,
            lastValidation: lastValidation, targetTokens: totals.target, sourceTokens: totals.source,
            stepSeconds: totals.seconds)
    }

    /// The epoch the last update belongs to: the position has moved past it, into the next
    /// epoch when that update ended one.
    private var epochOfLastUpdate: Int { state.position.epoch - (state.position.batch == 0 ? 1 : 0) }

    /// Moves to the next batch; past the last one of an epoch, to the start of the next.
    private func advancePosition(batchCount: Int) {
        state.position.batch += 1
        if state.position.batch >= batchCount {
            state.position = BatchPosition(epoch: state.position.epoch + 1, batch: 0)
        }
    }

    /// Validates (when there is validation data), updates the schedule and early stopping,
    /// writes the best model when improved, then the last model and the resume state.
    /// Returns whether early stopping says to stop. Validations and `numbered` checkpoints
    /// also leave a numbered model file (`keep_checkpoints`).
    private func validateAndCheckpoint(
        elapsed: Double, validate: Bool = true, numbered: Bool = false, betweenUpdates: Bool = false
    ) throws -> Bool {
        var improved = validator == nil
        if let validator, validate, lastValidatedStep != state.step {
            let result = distributed?.validation { validator.run(model) } ?? validator.run(model)
            lastValidation = result
            lastValidatedStep = state.step
            // The rate follows perplexity (smooth); the best model and early stopping follow BLEU.
            schedule.recordValidation(result.perplexity)
            improved = state.earlyStopping.record(Self.earlyStoppingMetric(result))
            state.schedule = schedule.state
            let best = state.earlyStopping.best.map { -$0.rounded(toPlaces: 4) } ?? 0
            reporter?.message(
                "validation at step \(state.step): perplexity \(String(format: "%.3f", result.perplexity)) BLEU \(String(format: "%.2f", result.bleu))"
                    + (improved ? " (new best)" : " (best \(String(format: "%.2f", best)))")
                    + " in \(formatDuration(result.seconds))")
            try log?.write(
                TrainingLogRecord(
                    kind: .validation, epoch: max(1, epochOfLastUpdate),
                    step: state.step, learningRate: schedule.learningRate(step: state.step + 1), elapsed: elapsed,
                    validationPerplexity: result.perplexity, validationBLEU: result.bleu))
        }
        state.elapsedSeconds = elapsed
        state.randomState = dropoutRandom.state
        // No rank writes parameters that another rank does not hold.
        try distributed?.checkParameters(model.store, step: state.step)
        try checkpoint(best: improved, numbered: validate || numbered)
        if !betweenUpdates { lastCheckpointStep = state.step }
        lastWritten = (state.step, monotonicSeconds())
        try checkpointWritten?(state.step)
        return state.earlyStopping.shouldStop
    }

    /// Lower is better: −BLEU, with ties (e.g. 0 early on) broken by perplexity through a
    /// term far below BLEU's resolution.
    static func earlyStoppingMetric(_ r: ValidationResult) -> Double {
        -r.bleu + 1e-7 * min(Foundation.log(max(r.perplexity, 1)), 100)
    }

    /// Writes the model files and the resume state for the current step; `numbered` adds
    /// `MODEL.step-STEP.safetensors` when `keep_checkpoints` asks for them, first, so a
    /// run killed before the resume state redoes the step and writes it again.
    public func checkpoint(best: Bool, numbered: Bool = false) throws {
        guard let paths else { return }
        var metadata = [TrainingMetadataKey.config: try config.jsonString()]
        metadata[TrainingMetadataKey.state] = try state.jsonString()
        let keep = config.training.keepCheckpoints
        if numbered, keep > 0 {
            try writeModel(model, pipeline: pipeline, metadata: metadata, to: paths.numbered(step: state.step))
        }
        if best { try writeModel(model, pipeline: pipeline, metadata: metadata, to: paths.best) }
        try writeModel(model, pipeline: pipeline, metadata: metadata, to: paths.last)
        try ResumeFile.write(model: model, optimizer: optimizer, config: config, state: state, to: paths.resumeState)
        if keep > 0 { try paths.pruneNumbered(keeping: keep, upTo: state.step) }
    }
}

/// Sums over the steps since the last log line, for the progress line and the log.
struct IntervalStatistics {
    var start: Double
    var loss = 0.0
    var nll = 0.0
    var tokens = 0
    var sourceTokens = 0

    mutating func add(_ sums: CrossEntropySums, sourceTokens s: Int) {
        loss += sums.loss
        nll += sums.nll
        tokens += sums.tokens
        sourceTokens += s
    }

    func status(epoch: Int, step: Int, learningRate: Double, eta: Double?) -> TrainingStatus {
        let n = Double(max(tokens, 1))
        let seconds = max(monotonicSeconds() - start, 1e-9)
        return TrainingStatus(
            epoch: max(epoch, 1), step: step, loss: loss / n, perplexity: exp(nll / n),
            tokensPerSecond: Double(tokens) / seconds, learningRate: learningRate, eta: eta)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let f = pow(10, Double(places))
        return (self * f).rounded() / f
    }
}
