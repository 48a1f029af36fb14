import Foundation
import Testing
@testable import MTTrain

@Suite struct LearningRateScheduleTests {
    @Test func constantWithWarmup() {
        let s = LearningRateSchedule(kind: .constant, baseLearningRate: 1e-3, warmupSteps: 4)
        #expect([1, 2, 3, 4, 5, 1000].map { s.learningRate(step: $0) } == [0.25e-3, 0.5e-3, 0.75e-3, 1e-3, 1e-3, 1e-3])
        #expect(LearningRateSchedule(kind: .constant, baseLearningRate: 0.5).learningRate(step: 1) == 0.5)
    }

    @Test func inverseSquareRootDecayAfterWarmup() {
        let s = LearningRateSchedule(kind: .inverseSqrt, baseLearningRate: 1, warmupSteps: 100)
        #expect(s.learningRate(step: 50) == 0.5)
        #expect(s.learningRate(step: 100) == 1)
        #expect(abs(s.learningRate(step: 400) - 0.5) < 1e-12)
        let noWarmup = LearningRateSchedule(kind: .inverseSqrt, baseLearningRate: 1)
        #expect(abs(noWarmup.learningRate(step: 4) - 0.5) < 1e-12)
    }

    @Test func plateauDecaysAfterPatienceAndStopsAtTheMinimum() throws {
        let s = LearningRateSchedule(kind: .plateau, baseLearningRate: 1, decayFactor: 0.5, patience: 2, minLearningRate: 0.2)
        #expect(s.recordValidation(10))
        #expect(s.recordValidation(9))
        #expect(!s.recordValidation(9.5))
        #expect(s.learningRate(step: 10) == 1)
        #expect(!s.recordValidation(9))  // equal is no improvement
        #expect(s.learningRate(step: 10) == 0.5)
        #expect(!s.recordValidation(.nan))
        #expect(!s.recordValidation(.infinity))
        #expect(s.learningRate(step: 10) == 0.25)
        #expect(!s.reachedMinimum)
        for _ in 0..<2 { s.recordValidation(100) }
        #expect(s.learningRate(step: 10) == 0.2)  // floored
        #expect(s.reachedMinimum)
        for _ in 0..<4 { s.recordValidation(100) }
        #expect(s.state.decays == 3)

        // The state survives a JSON round trip and restores the same rates.
        let json = try JSONEncoder().encode(s.state)
        let t = LearningRateSchedule(kind: .plateau, baseLearningRate: 1, decayFactor: 0.5, patience: 2, minLearningRate: 0.2)
        t.restore(try JSONDecoder().decode(LearningRateSchedule.State.self, from: json))
        #expect(t.state == s.state && t.learningRate(step: 10) == s.learningRate(step: 10))
    }

    @Test func onlyPlateauReactsToValidation() {
        let s = LearningRateSchedule(kind: .constant, baseLearningRate: 1, patience: 1)
        s.recordValidation(1)
        s.recordValidation(2)
        s.recordValidation(3)
        #expect(s.learningRate(step: 5) == 1)
        #expect(s.state.validationsWithoutImprovement == 2)
    }
}

@Suite struct EarlyStoppingAndStateTests {
    @Test func earlyStoppingCountsValidationsWithoutANewBest() {
        var e = EarlyStopping(patience: 2)
        #expect(e.record(5) && !e.shouldStop)
        #expect(!e.record(5) && !e.shouldStop)
        #expect(!e.record(.nan) && e.shouldStop)
        #expect(e.record(4) && !e.shouldStop && e.best == 4)
        var never = EarlyStopping(patience: 0)
        for _ in 0..<10 { never.record(.infinity) }
        #expect(!never.shouldStop && never.best == nil)
    }

    @Test func trainingStateRoundTripsThroughJSON() throws {
        let schedule = LearningRateSchedule(kind: .plateau, baseLearningRate: 1)
        schedule.recordValidation(3)
        schedule.recordValidation(4)
        var early = EarlyStopping(patience: 3)
        early.record(3)
        early.record(4)
        let state = TrainingState(
            position: BatchPosition(epoch: 3, batch: 17), step: 1234, elapsedSeconds: 99.5, schedule: schedule.state,
            earlyStopping: early, randomState: [1, 2, .max, 4], nonFiniteSteps: 1)
        let json = try state.jsonString()
        #expect(try TrainingState.fromJSON(json) == state)
        #expect(json.contains("\"epoch\":3"))
    }
}
