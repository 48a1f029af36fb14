import Foundation
import MTModel
import MTTensor
import MTTrain
import Testing

/// A run stopped at a checkpoint and resumed by fresh objects (as a new process would)
/// ends with exactly the parameters of a run never stopped.
@Suite struct ResumeDeterminismTests {
    static let train = TrainerFixture.pairs(240, seed: 31)
    static let heldOut = TrainerFixture.pairs(30, seed: 32)

    /// Dropout on (the generator state must be restored), Adam, plateau schedule (validation
    /// feeds it), several epochs, validation every 5 steps.
    static func config(maxSteps: Int, workers: Int = 1) -> TrainingConfig {
        var c = TrainerFixture.config(hidden: 12, dropout: 0.3)
        c.training.workers = workers
        c.model.encoderLayers = 2
        c.model.decoderLayers = 2
        c.training.batchTokens = 200
        c.training.schedule = .plateau
        c.training.decayPatience = 1
        c.training.validationInterval = 5
        c.training.epochs = 0
        c.training.maxSteps = maxSteps
        return c
    }

    static func trainer(_ config: TrainingConfig, dir: String) throws -> Trainer {
        try Trainer(
            config: config, sourceVocabularySize: 14, targetVocabularySize: 20, train: train,
            validation: try TrainerFixture.validation(heldOut), paths: CheckpointPaths(model: dir + "/m.safetensors"))
    }

    @Test(arguments: [(10, 1), (15, 1), (25, 1), (10, 2), (25, 2)])
    func resumedRunEndsWithTheSameParameters(stopAt: Int, workers: Int) throws {
        let total = 33  // several epochs of ~11 batches; ends between validations
        let a = try TrainerFixture.scratch(), b = try TrainerFixture.scratch()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }

        let straight = try Self.trainer(Self.config(maxSteps: total, workers: workers), dir: a)
        _ = try straight.run()
        #expect(straight.state.step == total)

        // Stopped at a checkpoint, then everything rebuilt from the files.
        let first = try Self.trainer(Self.config(maxSteps: stopAt, workers: workers), dir: b)
        _ = try first.run()
        let resumed = try Self.trainer(Self.config(maxSteps: total, workers: workers), dir: b)
        try resumed.resume(from: CheckpointPaths(model: b + "/m.safetensors").resumeState)
        #expect(resumed.state.step == stopAt)
        _ = try resumed.run()

        #expect(resumed.state.step == total)
        #expect(resumed.state.position == straight.state.position)
        #expect(resumed.state.randomState == straight.state.randomState)
        #expect(resumed.schedule.state == straight.schedule.state)
        #expect(resumed.state.earlyStopping == straight.state.earlyStopping)
        let p = TrainerFixture.bits(TrainerFixture.parameters(straight.model))
        let q = TrainerFixture.bits(TrainerFixture.parameters(resumed.model))
        #expect(p == q, "parameters differ after resuming at step \(stopAt)")
        // The files agree too.
        let fa = try SafeTensorsFile(contentsOf: a + "/m.last.safetensors")
        let fb = try SafeTensorsFile(contentsOf: b + "/m.last.safetensors")
        for name in fa.names {
            let x: Tensor<Float> = try fa.tensor(name), y: Tensor<Float> = try fb.tensor(name)
            #expect(
                Array(UnsafeBufferPointer(start: x.data, count: x.count)).map(\.bitPattern)
                    == Array(UnsafeBufferPointer(start: y.data, count: y.count)).map(\.bitPattern), "\(name)")
        }
    }

    /// An interruption (SIGINT) checkpoints without validating, so resuming from it also
    /// reproduces the uninterrupted run.
    @Test func interruptedRunResumesExactly() throws {
        let total = 23
        let a = try TrainerFixture.scratch(), b = try TrainerFixture.scratch()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let straight = try Self.trainer(Self.config(maxSteps: total), dir: a)
        _ = try straight.run()

        let first = try Self.trainer(Self.config(maxSteps: total), dir: b)
        first.stopRequested = { first.state.step == 12 }
        let outcome = try first.run()
        #expect(outcome.reason == .interrupted)
        let resumed = try Self.trainer(Self.config(maxSteps: total), dir: b)
        try resumed.resume(from: CheckpointPaths(model: b + "/m.safetensors").resumeState)
        _ = try resumed.run()
        #expect(
            TrainerFixture.bits(TrainerFixture.parameters(straight.model))
                == TrainerFixture.bits(TrainerFixture.parameters(resumed.model)))
    }

    /// Stands for a kill right after a checkpoint.
    struct Killed: Error {}

    /// Checkpoints between updates (by count or by the clock, here after every update)
    /// change nothing the run computes, and a run killed after one, mid-epoch and between
    /// validations, resumes to the parameters of the run never stopped.
    @Test(arguments: [(7, 0.0, 14, 1), (0, 1e-6, 13, 1), (4, 0.0, 8, 2), (0, 1e-6, 24, 2)])
    func killedAfterABetweenUpdatesCheckpointResumesExactly(
        interval: Int, seconds: Double, killAt: Int, workers: Int
    ) throws {
        let total = 33
        let a = try TrainerFixture.scratch(), b = try TrainerFixture.scratch()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        var plain = Self.config(maxSteps: total, workers: workers)
        plain.training.checkpointTime = 0
        let straight = try Self.trainer(plain, dir: a)
        _ = try straight.run()

        var config = Self.config(maxSteps: total, workers: workers)
        config.training.checkpointInterval = interval
        config.training.checkpointTime = seconds
        let first = try Self.trainer(config, dir: b)
        var checkpoints: [Int] = []
        first.checkpointWritten = { step in
            checkpoints.append(step)
            if step == killAt { throw Killed() }
        }
        #expect(throws: Killed.self) { _ = try first.run() }
        #expect(killAt % 5 != 0, "the kill comes after a between-updates checkpoint, not a validation")
        if interval > 0 {
            #expect(Set(stride(from: interval, through: killAt, by: interval)).isSubset(of: checkpoints), "\(checkpoints)")
        } else {
            #expect(checkpoints == Array(1...killAt), "a checkpoint after every update")
        }

        let resumed = try Self.trainer(config, dir: b)
        try resumed.resume(from: CheckpointPaths(model: b + "/m.safetensors").resumeState)
        #expect(resumed.state.step == killAt)
        _ = try resumed.run()
        #expect(resumed.state.step == total)
        #expect(resumed.schedule.state == straight.schedule.state)
        #expect(resumed.state.earlyStopping == straight.state.earlyStopping)
        #expect(
            TrainerFixture.bits(TrainerFixture.parameters(straight.model))
                == TrainerFixture.bits(TrainerFixture.parameters(resumed.model)),
            "parameters differ after resuming at step \(killAt)")
    }

    /// `keep_checkpoints` leaves the last N validations' and `checkpoint_interval`'s models
    /// as `m.step-STEP.safetensors`, each the model of that step; older ones are deleted,
    /// and so are numbered files past the step a fresh run on the same path has reached.
    @Test func keepsTheLastNumberedCheckpoints() throws {
        let dir = try TrainerFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = CheckpointPaths(model: dir + "/m.safetensors")
        #expect(paths.numbered(step: 1200) == dir + "/m.step-1200.safetensors")
        // A leftover of an earlier run that got further.
        FileManager.default.createFile(atPath: paths.numbered(step: 900), contents: Data([1]))
        var config = Self.config(maxSteps: 33)
        config.training.validationInterval = 10
        config.training.checkpointInterval = 4
        config.training.keepCheckpoints = 3
        let t = try Self.trainer(config, dir: dir)
        var seen: [Int: [String: [UInt32]]] = [:]
        t.checkpointWritten = { step in seen[step] = TrainerFixture.bits(TrainerFixture.parameters(t.model)) }
        _ = try t.run()
        let kept = paths.numberedFiles()
        // Steps 4, 8, 10, 12, ... 28, 30, 32, the epoch ends, and the final 33 (no clock
        // checkpoints in so short a run): the last three of them are kept.
        #expect(Set(stride(from: 4, through: 32, by: 4)).isSubset(of: seen.keys))
        #expect(kept.map(\.step) == Array(seen.keys.sorted().suffix(3)), "\(kept)")
        #expect(kept.last?.step == 33)
        for (step, path) in kept {
            let file = try SafeTensorsFile(contentsOf: path)
            var stored: [String: [UInt32]] = [:]
            for name in file.names {
                let x: Tensor<Float> = try file.tensor(name)
                stored[name] = Array(UnsafeBufferPointer(start: x.data, count: x.count)).map(\.bitPattern)
            }
            #expect(stored == seen[step], "m.step-\(step) holds the model of step \(step)")
        }
        // Without keep_checkpoints there are none.
        let other = try TrainerFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: other) }
        config.training.keepCheckpoints = 0
        _ = try Self.trainer(config, dir: other).run()
        #expect(CheckpointPaths(model: other + "/m.safetensors").numberedFiles().isEmpty)
    }

    @Test func resumingWithADifferentModelConfigurationIsAnError() throws {
        let dir = try TrainerFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.trainer(Self.config(maxSteps: 5), dir: dir).run()
        var other = Self.config(maxSteps: 10)
        other.model.hiddenSize = 16
        let t = try Self.trainer(other, dir: dir)
        do {
            try t.resume(from: CheckpointPaths(model: dir + "/m.safetensors").resumeState)
            Issue.record("resume accepted a different model")
        } catch let e as TrainingError {
            #expect(e.message.contains("model.hidden_size is 16, the resume state has 12"), "\(e)")
        }
    }

    @Test func resumingWithoutAStateFileIsAnError() throws {
        let dir = try TrainerFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t = try Self.trainer(Self.config(maxSteps: 5), dir: dir)
        #expect(throws: TrainingError.self) { try t.resume(from: dir + "/m.last.optimizer.safetensors") }
    }
}
