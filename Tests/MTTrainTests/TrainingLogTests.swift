import Foundation
import MTCore
import Testing
@testable import MTTrain

@Suite struct TrainingLogTests {
    @Test func tsvHasOneHeaderAndEmptyCellsWhereNothingApplies() throws {
        let dir = makeTrainTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/train.tsv"
        let log = try TrainingLog(path: path)
        try log.write(TrainingLogRecord(
            kind: .train, epoch: 1, step: 50, loss: 4.5, perplexity: exp(4.5), tokensPerSecond: 5321.4,
            learningRate: 1e-3, elapsed: 12.34))
        // Flushed per line: readable before the log is closed.
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty)
        #expect(lines[0] == "kind\tepoch\tstep\tloss\tperplexity\ttokens_per_sec\tlearning_rate\telapsed_sec\tval_perplexity\tval_bleu")
        #expect(lines[1] == "train\t1\t50\t4.5000\t90.017\t5321\t0.001\t12.3\t\t")
        try log.write(TrainingLogRecord(
            kind: .validation, epoch: 1, step: 100, learningRate: 5e-4, elapsed: 30, validationPerplexity: 20.5,
            validationBLEU: 31.234))
        log.close()
        #expect(throws: FileError.self) { try log.write(TrainingLogRecord(kind: .train, epoch: 1, step: 1, elapsed: 0)) }

        // A resumed run keeps the lines up to its step, drops later ones (the stopped run's
        // steps it does again) and does not repeat the header.
        let resumed = try TrainingLog(path: path, resumingAt: 50)
        try resumed.write(TrainingLogRecord(kind: .train, epoch: 2, step: 150, loss: .nan, elapsed: 40))
        resumed.close()
        lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == "train\t1\t50\t4.5000\t90.017\t5321\t0.001\t12.3\t\t")
        #expect(lines[2] == "train\t2\t150\tnan\t\t\t\t40.0\t\t")
        let again = try TrainingLog(path: path, resumingAt: 150)
        try again.write(TrainingLogRecord(
            kind: .validation, epoch: 2, step: 200, learningRate: 5e-4, elapsed: 60, validationPerplexity: 20.5,
            validationBLEU: 31.234))
        again.close()
        lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[3] == "validation\t2\t200\t\t\t\t0.0005\t60.0\t20.500\t31.23")
        #expect(lines.allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false).count == 10 })

        // A fresh (non-append) log replaces the old one.
        try TrainingLog(path: path).close()
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 1)
        #expect(throws: FileError.self) { _ = try TrainingLog(path: dir + "/no/such/dir.tsv") }
    }

    private func status(step: Int) -> TrainingStatus {
        TrainingStatus(epoch: 2, step: step, loss: 2.5, perplexity: 12.18, tokensPerSecond: 4000, learningRate: 0.001, eta: 725)
    }

    @Test func plainOutputLogsEveryInterval() {
        var out: [String] = []
        let r = ProgressReporter(logInterval: 10, interactive: false, output: { out.append($0) })
        for step in 1...25 { r.update(status(step: step)) }
        r.message("validation: ppl 10.2")
        r.finish()
        #expect(out == [
            "epoch 2 step 10 loss 2.5000 ppl 12.18 tok/s 4000 lr 0.001 eta 12m05s\n",
            "epoch 2 step 20 loss 2.5000 ppl 12.18 tok/s 4000 lr 0.001 eta 12m05s\n",
            "validation: ppl 10.2\n",
        ])
    }

    @Test func terminalOutputRewritesOneLiveLine() {
        var out: [String] = []
        var now = 0.0
        let r = ProgressReporter(logInterval: 10, interactive: true, redrawInterval: 1, output: { out.append($0) }, clock: { now })
        r.update(status(step: 1))
        now = 0.5
        r.update(status(step: 2))  // too soon: skipped
        now = 1.5
        r.update(status(step: 3))
        r.message("saved checkpoint")
        r.update(status(step: 4))  // redrawn at once after a message
        r.finish()
        #expect(out.count == 6)
        #expect(out[0].hasPrefix("\r\u{1B}[2Kepoch 2 step 1 ") && !out[0].hasSuffix("\n"))
        #expect(out[1].hasPrefix("\r\u{1B}[2Kepoch 2 step 3 "))
        #expect(out[2] == "\r\u{1B}[2K" && out[3] == "saved checkpoint\n")
        #expect(out[4].hasPrefix("\r\u{1B}[2Kepoch 2 step 4 ") && out[5] == "\n")
    }

    @Test func durationsAndETA() {
        #expect([0, 42, 185, 3720, 90000, -1, .infinity].map(formatDuration) == ["0s", "42s", "3m05s", "1h02m", "1d01h", "?", "?"])
        // Half the steps done in 100 s: 100 s to go.
        #expect(estimatedTimeRemaining(elapsed: 100, step: 500, maxSteps: 1000, epoch: 1, batchInEpoch: 0, batchesPerEpoch: 10, epochs: 0, timeBudget: 0) == 100)
        // Epoch limit: 1.5 of 3 epochs done.
        #expect(estimatedTimeRemaining(elapsed: 30, step: 15, maxSteps: 0, epoch: 2, batchInEpoch: 5, batchesPerEpoch: 10, epochs: 3, timeBudget: 0) == 30)
        // The time budget ends training first.
        #expect(estimatedTimeRemaining(elapsed: 60, step: 1, maxSteps: 1000, epoch: 1, batchInEpoch: 1, batchesPerEpoch: 1000, epochs: 10, timeBudget: 100) == 40)
        #expect(estimatedTimeRemaining(elapsed: 60, step: 10, maxSteps: 0, epoch: 1, batchInEpoch: 10, batchesPerEpoch: 100, epochs: 0, timeBudget: 0) == nil)
    }
}
