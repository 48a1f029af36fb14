import Foundation
import MTModel
import MTModelFile
import MTTensor
@testable import MTTrain
import Testing

/// Small pieces shared by the trainer and resume tests.
enum TrainerFixture {
    /// Reverse a digit string and append a length token (the toy task of ToyTaskTests).
    static func pairs(_ count: Int, seed: UInt64) -> [SentencePair] {
        let rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in ToyTaskTests.pair(rng) }
    }

    /// Validation whose "text" is the ids joined by spaces, so BLEU measures exact ids.
    static func validation(_ pairs: [SentencePair]) throws -> ValidationSet {
        try ValidationSet(
            corpus: pairs, references: pairs.map { text($0.target) }, decodeTarget: text)
    }

    static func text(_ ids: [Int32]) -> String { ids.map(String.init).joined(separator: " ") }

    static func config(hidden: Int = 16, dropout: Double = 0) -> TrainingConfig {
        var c = TrainingConfig()
        c.model.embeddingSize = hidden / 2
        c.model.hiddenSize = hidden
        c.model.encoderLayers = 1
        c.model.decoderLayers = 1
        c.model.dropout = dropout
        c.model.labelSmoothing = 0
        c.training.batchTokens = 320
        c.training.maxBatchSentences = 32
        c.training.poolBatches = 10
        c.training.learningRate = 0.01
        c.training.schedule = .constant
        c.training.earlyStoppingPatience = 0
        c.training.threads = 1
        c.training.seed = 11
        return c
    }

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "mt-trainer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func parameters(_ model: Seq2Seq<Float>) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: model.store.parameters.map {
            ($0.name, Array(UnsafeBufferPointer(start: $0.value.data, count: $0.count)))
        })
    }

    /// Bit patterns, so -0 vs 0 and NaN payloads count as differences.
    static func bits(_ p: [String: [Float]]) -> [String: [UInt32]] { p.mapValues { $0.map(\.bitPattern) } }
}

@Suite struct TrainerTests {
    /// The toy task learned through the Trainer (batching, clipping, Adam, validation,
    /// early stopping, checkpoints) instead of a hand loop.
    @Test(arguments: [1, 2])
    func learnsTheToyTaskAndKeepsBestAndLastModels(workers: Int) throws {
        let train = TrainerFixture.pairs(3000, seed: 2024)
        let heldOut = TrainerFixture.pairs(200, seed: 99)
        var config = TrainerFixture.config(hidden: 64)
        config.training.workers = workers
        config.model.embeddingSize = 32
        config.model.bidirectionalEncoder = true
        config.training.epochs = 6
        config.training.earlyStoppingPatience = 2
        config.training.threads = 2
        let dir = try TrainerFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = CheckpointPaths(model: dir + "/toy.safetensors")
        let trainer = try Trainer(
            config: config, sourceVocabularySize: 14, targetVocabularySize: 20, train: train,
            validation: try TrainerFixture.validation(heldOut), paths: paths)
        trainer.log = try TrainingLog(path: paths.log)
        let start = Date()
        let outcome = try trainer.run()
        print("trainer toy task (\(workers) workers): BLEU \(outcome.bestBLEU ?? -1) after \(outcome.steps) steps (\(outcome.reason.rawValue)) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        #expect((outcome.bestBLEU ?? 0) >= 95)
        #expect(outcome.lastValidation.map { $0.perplexity < 1.2 } == true)

        // Best and last models and the resume state exist and load into a fresh model.
        for path in [paths.best, paths.last, paths.resumeState, paths.log] {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
        let fresh = try Trainer(
            config: config, sourceVocabularySize: 14, targetVocabularySize: 20, train: train, validation: nil)
        try fresh.model.store.load(from: paths.last)
        #expect(TrainerFixture.bits(TrainerFixture.parameters(fresh.model)) == TrainerFixture.bits(TrainerFixture.parameters(trainer.model)))
        try fresh.model.store.load(from: paths.best)
        let file = try SafeTensorsFile(contentsOf: paths.best)
        #expect(try TrainingConfig.fromJSON(file.metadata[TrainingMetadataKey.config] ?? "") == config)
        let log = try String(contentsOfFile: paths.log, encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.hasPrefix("validation\t") }.count >= 1)
    }

    /// Non-finite losses skip the update; `max_nan_steps` in a row stop training with an
    /// error and leave the last checkpoint as it was.
    @Test func nonFiniteLossesSkipThenStopWithCheckpointUntouched() throws {
        let train = TrainerFixture.pairs(200, seed: 5)
        var config = TrainerFixture.config()
        config.training.validationInterval = 4
        config.training.maxNanSteps = 3
        config.training.maxSteps = 100
        let dir = try TrainerFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = CheckpointPaths(model: dir + "/nan.safetensors")
        let trainer = try Trainer(
            config: config, sourceVocabularySize: 14, targetVocabularySize: 20, train: train,
            validation: try TrainerFixture.validation(TrainerFixture.pairs(20, seed: 6)), paths: paths)
        var messages: [String] = []
        trainer.reporter = ProgressReporter(logInterval: 1000, interactive: false, output: { messages.append($0) })
        // Attempt 6 is corrupt alone (skipped, training goes on); from attempt 10 on all are.
        var before: [String: [UInt32]] = [:]
        trainer.corruptLoss = { attempt in
            if attempt == 6 { before = TrainerFixture.bits(TrainerFixture.parameters(trainer.model)) }
            if attempt == 7 {
                // The skipped attempt changed nothing.
                #expect(TrainerFixture.bits(TrainerFixture.parameters(trainer.model)) == before)
            }
            return attempt == 6 || attempt >= 10
        }
        let lastBefore = { try? Data(contentsOf: URL(fileURLWithPath: paths.last)) }
        var error: TrainingError?
        do {
            _ = try trainer.run()
        } catch let e as TrainingError {
            error = e
        }
        #expect(error?.message.contains("3 non-finite losses in a row") == true, "\(String(describing: error))")
        // 9 attempts, one skipped: 8 updates; the last checkpoint is the one of step 8.
        #expect(trainer.state.step == 8)
        let warnings = messages.filter { $0.contains("warning: non-finite loss") }
        #expect(warnings.count == 4)
        let (_, _, saved) = try ResumeFile.open(paths.resumeState)
        #expect(saved.step == 8)
        let checkpoint = lastBefore()
        #expect(checkpoint != nil)
        let fresh = try Trainer(
            config: config, sourceVocabularySize: 14, targetVocabularySize: 20, train: train, validation: nil)
        try fresh.model.store.load(from: paths.last)
        #expect(TrainerFixture.bits(TrainerFixture.parameters(fresh.model)) == TrainerFixture.bits(TrainerFixture.parameters(trainer.model)))
    }

    @Test func outOfRangeConfigurationIsAnErrorNamingTheField() throws {
        var config = TrainerFixture.config()
        config.model.dropout = 1.5
        #expect(throws: ConfigError.self) {
            _ = try Trainer(
                config: config, sourceVocabularySize: 14, targetVocabularySize: 20,
                train: TrainerFixture.pairs(10, seed: 1), validation: nil)
        }
        do {
            _ = try Trainer(
                config: config, sourceVocabularySize: 14, targetVocabularySize: 20,
                train: TrainerFixture.pairs(10, seed: 1), validation: nil)
        } catch let e as ConfigError {
            #expect(e.message.contains("model.dropout"))
        }
    }

    /// A configuration too large for the machine is one error naming the sizes, before
    /// anything is allocated; one that overflows an Int too.
    @Test func modelTooLargeForMemoryIsAConfigError() throws {
        for hidden in [1_000_000, 1 << 62] {
            var config = TrainerFixture.config()
            config.model.hiddenSize = hidden
            do {
                _ = try Trainer(
                    config: config, sourceVocabularySize: 14, targetVocabularySize: 20,
                    train: TrainerFixture.pairs(10, seed: 1), validation: nil)
                Issue.record("hidden size \(hidden) was accepted")
            } catch let e as ConfigError {
                #expect(e.message.contains("model.hidden_size \(hidden)"), "\(e.message)")
            }
        }
        let config = Seq2SeqConfig(sourceVocabularySize: 8000, targetVocabularySize: 6000, model: ModelConfig())
        let floor = try #require(config.parameterFloor)
        // Weights, 2 gradients and Adam's 2 moments: 5 copies of 4 bytes.
        #expect(config.trainingMemoryProblem(workers: 2, adam: true, memory: floor * 20) == nil)
        let problem = try #require(config.trainingMemoryProblem(workers: 2, adam: true, memory: floor * 20 - 1))
        #expect(problem.contains("more than this machine's"))
        #expect(config.trainingMemoryProblem(workers: 2, adam: false, memory: floor * 12) == nil)
    }
}
