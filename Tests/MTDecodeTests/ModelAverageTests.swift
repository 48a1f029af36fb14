import Foundation
import MTDecode
import MTModel
import MTModelFile
import MTTensor
import MTText
import Testing

@Suite struct ModelAverageTests {
    @Test func averagingCopiesOfAModelGivesThatModel() throws {
        let dir = try ModelFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = try ModelFileTests.makePipeline(in: dir)
        let model = ModelFileTests.smallModel(pipeline)
        try ModelFile.save(model, pipeline: pipeline, extraMetadata: ["training.note": "x"], to: dir + "/a.safetensors")
        try FileManager.default.copyItem(atPath: dir + "/a.safetensors", toPath: dir + "/b.safetensors")
        for copies in [2, 3] {
            let averaged = try ModelFile.average(Array(repeating: dir + "/a.safetensors", count: copies - 1) + [dir + "/b.safetensors"])
            for (a, b) in zip(model.store.parameters, averaged.model.store.parameters) {
                #expect(a.name == b.name && a.value.values == b.value.values, "\(copies) copies")
            }
            #expect(averaged.metadata == (try ModelFile.load(dir + "/a.safetensors")).metadata)
        }
        let averaged = try ModelFile.average([dir + "/a.safetensors", dir + "/b.safetensors"])
        try ModelFile.save(averaged.model, pipeline: averaged.pipeline, extraMetadata: averaged.metadata, to: dir + "/avg.safetensors")
        #expect(FileManager.default.contents(atPath: dir + "/avg.safetensors") == FileManager.default.contents(atPath: dir + "/a.safetensors"))
    }

    @Test func theAverageIsTheMeanOfEachParameter() throws {
        let dir = try ModelFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = try ModelFileTests.makePipeline(in: dir)
        let a = ModelFileTests.smallModel(pipeline)
        let b = Seq2Seq<Float>(a.config, rng: SeededRandom(seed: 77))
        try ModelFile.save(a, pipeline: pipeline, to: dir + "/a.safetensors")
        try ModelFile.save(b, pipeline: pipeline, to: dir + "/b.safetensors")
        let averaged = try ModelFile.average([dir + "/a.safetensors", dir + "/b.safetensors"])
        for (i, p) in averaged.model.store.parameters.enumerated() {
            let x = a.store.parameters[i].value.values, y = b.store.parameters[i].value.values
            #expect(p.value.values == zip(x, y).map { Float((Double($0) + Double($1)) / 2) })
        }
        #expect(averaged.model.store.parameters.contains { p in p.value.values != a.store[p.name]!.value.values })
    }

    @Test func modelsOfOtherShapesOrVocabulariesAreRefused() throws {
        let dir = try ModelFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = try ModelFileTests.makePipeline(in: dir)
        let model = ModelFileTests.smallModel(pipeline)
        try ModelFile.save(model, pipeline: pipeline, to: dir + "/a.safetensors")
        var wider = model.config
        wider.hiddenSize = 10
        try ModelFile.save(Seq2Seq<Float>(wider, rng: SeededRandom(seed: 1)), pipeline: pipeline, to: dir + "/wide.safetensors")
        var deeper = model.config
        deeper.decoderLayers = 2
        try ModelFile.save(Seq2Seq<Float>(deeper, rng: SeededRandom(seed: 1)), pipeline: pipeline, to: dir + "/deep.safetensors")
        // A target vocabulary of the same size with one other word: the same shapes.
        var words = pipeline.targetVocabulary.fileText.split(separator: "\n").map(String.init)
        words[words.count - 1] = "zzzz\t1"
        let otherVocabulary = try Vocabulary(fileText: words.joined(separator: "\n") + "\n")
        var settings = pipeline.settings
        settings.targetVocabularyHash = otherVocabulary.hash
        let otherPipeline = try TextPipeline(
            settings: settings, sourceCodes: pipeline.sourceCodes, targetCodes: pipeline.targetCodes,
            sourceVocabulary: pipeline.sourceVocabulary, targetVocabulary: otherVocabulary)
        try ModelFile.save(model, pipeline: otherPipeline, to: dir + "/vocab.safetensors")

        func message(_ second: String) -> String {
            do {
                _ = try ModelFile.average([dir + "/a.safetensors", dir + "/" + second])
                return "averaged"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("wide.safetensors").contains("has shape"), "\(message("wide.safetensors"))")
        #expect(message("deep.safetensors").contains("parameter names differ"), "\(message("deep.safetensors"))")
        #expect(message("vocab.safetensors").contains("the target vocabularies differ"), "\(message("vocab.safetensors"))")
        for name in ["wide.safetensors", "deep.safetensors", "vocab.safetensors"] {
            #expect(message(name).hasPrefix("cannot average with \(dir)/a.safetensors: ") && message(name).hasSuffix("(\(dir)/\(name))"))
            #expect(!message(name).contains("\n"))
        }
    }
}
