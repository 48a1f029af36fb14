import Foundation
import MTDecode
import MTModel
import MTTensor
import Testing

@Suite struct SearchWorkersTests {
    @Test(arguments: [1, 3])
    func twoWorkersGiveExactlyWhatOneGives(_ beam: Int) {
        let model = BeamSearchTests.model()
        let options = BeamSearchOptions.with(beam: beam)
        let one = BeamSearch(model: model, options: options).searchInBatches(BeamSearchTests.sources, batchSize: 3)
        for workers in [2, 3] {
            let many = SearchWorkers(model: model, options: options, workers: workers)
                .searchInBatches(BeamSearchTests.sources, batchSize: 3)
            #expect(many == one, "\(workers) workers")
        }
    }

    @Test func replicaSharesParameterValuesButNotGradients() {
        let model = BeamSearchTests.model()
        let copy = model.replica()
        for (a, b) in zip(model.store.parameters, copy.store.parameters) {
            #expect(a.name == b.name && a.value === b.value)
            #expect(a.grad !== b.grad)
        }
    }

    @Test func translatorLinesDoNotDependOnTheWorkerCount() throws {
        let dir = try ModelFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = try ModelFileTests.makePipeline(in: dir)
        let model = ModelFileTests.smallModel(pipeline)
        let lines = (0..<40).map { i in
            ["Ein Mann liest ein Buch.", "", "Zwei Frauen schlafen.", "Ein Kind spielt mit einem Mann."][i % 4]
                + String(repeating: " Buch", count: i % 7)
        }
        var options = TranslationOptions()
        options.batchSize = 4
        options.search.beamSize = 3
        options.search.nBest = 2
        let one = Translator(model: model, pipeline: pipeline, options: options).translations(lines, firstIndex: 0)
        options.workers = 2
        let two = Translator(model: model, pipeline: pipeline, options: options).translations(lines, firstIndex: 0)
        #expect(two.map(\.index) == one.map(\.index))
        #expect(two.map { $0.outputs.map(\.text) } == one.map { $0.outputs.map(\.text) })
        #expect(two.map { $0.outputs.map(\.score) } == one.map { $0.outputs.map(\.score) })
    }
}

extension BeamSearchOptions {
    static func with(beam: Int) -> BeamSearchOptions {
        var o = BeamSearchOptions()
        o.beamSize = beam
        o.nBest = beam
        o.lengthPenalty = 0.6
        o.maxLengthRatio = 1.5
        o.maxLengthConstant = 2
        return o
    }
}
