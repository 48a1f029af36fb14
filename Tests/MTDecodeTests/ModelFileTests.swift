import Foundation
import MTDecode
import MTModel
import MTModelFile
import MTTensor
import MTText
import Testing

@Suite struct ModelFileTests {
    /// A pipeline from a tiny corpus, through the same preprocessing users run.
    static func makePipeline(in dir: String) throws -> TextPipeline {
        let src = ["Ein Mann schläft.", "Eine Frau liest ein Buch.", "Zwei Männer spielen.", "Ein Kind liest."]
        let tgt = ["A man sleeps.", "A woman reads a book.", "Two men play.", "A child reads."]
        try src.joined(separator: "\n").write(toFile: dir + "/train.de", atomically: true, encoding: .utf8)
        try tgt.joined(separator: "\n").write(toFile: dir + "/train.en", atomically: true, encoding: .utf8)
        var options = PreprocessOptions(trainSource: dir + "/train.de", trainTarget: dir + "/train.en", outputDirectory: dir + "/data")
        options.vocabularyDirectory = dir + "/vocab"
        options.bpeMerges = 10
        options.jointBPE = true
        try Preprocessor.run(options)
        return try PreprocessedData(directory: dir + "/data").makePipeline()
    }

    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "modelfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func smallModel(_ pipeline: TextPipeline, cell: RecurrentCellType = .lstm) -> Seq2Seq<Float> {
        var config = Seq2SeqConfig(
            sourceVocabularySize: pipeline.sourceVocabulary.count, targetVocabularySize: pipeline.targetVocabulary.count)
        config.embeddingSize = 6
        config.hiddenSize = 8
        config.encoderLayers = 1
        config.decoderLayers = 1
        config.cell = cell
        return Seq2Seq<Float>(config, rng: SeededRandom(seed: 9))
    }

    @Test(arguments: RecurrentCellType.allCases)
    func roundTripKeepsParametersConfigurationPipelineAndTranslations(_ cell: RecurrentCellType) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = try Self.makePipeline(in: dir)
        let model = Self.smallModel(pipeline, cell: cell)
        try ModelFile.save(model, pipeline: pipeline, extraMetadata: ["training.note": "x"], to: dir + "/m.safetensors")
        let loaded = try ModelFile.load(dir + "/m.safetensors")
        #expect(loaded.model.config == model.config)
        #expect(loaded.metadata["training.note"] == "x")
        #expect(loaded.pipeline.sourceVocabulary.hash == pipeline.sourceVocabulary.hash)
        for (a, b) in zip(model.store.parameters, loaded.model.store.parameters) {
            #expect(a.name == b.name && a.value.values == b.value.values)
        }
        let lines = ["Ein Mann liest ein Buch.", "", "Zwei Frauen schlafen."]
        #expect(
            Translator(model: loaded.model, pipeline: loaded.pipeline).translate(lines)
                == Translator(model: model, pipeline: pipeline).translate(lines))
    }

    @Test func unusableFilesGiveOneLineErrorsNamingTheFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = try Self.makePipeline(in: dir)
        let model = Self.smallModel(pipeline)
        let good = dir + "/m.safetensors"
        try ModelFile.save(model, pipeline: pipeline, to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))

        func message(_ path: String) -> String {
            do {
                _ = try ModelFile.load(path)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        #expect(message(dir + "/missing.safetensors").hasPrefix("cannot read model file: "))
        let truncated = dir + "/truncated.safetensors"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(message(truncated).hasPrefix("not a model file"))
        #expect(message(truncated).hasSuffix("(\(truncated))"))
        let text = dir + "/text.safetensors"
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(message(text).hasPrefix("not a model file"))

        // Parameters alone, without the model metadata.
        let bare = dir + "/bare.safetensors"
        try model.store.save(to: bare)
        #expect(message(bare).contains("no 'format'"))

        // A configuration that does not match the stored tensors.
        var other = model.config
        other.hiddenSize = 10
        let mismatched = dir + "/mismatched.safetensors"
        var metadata = pipeline.metadata
        metadata[ModelFile.formatKey] = ModelFile.format
        metadata[ModelFile.configKey] = try other.jsonString()
        try model.store.save(to: mismatched, metadata: metadata)
        #expect(message(mismatched).hasPrefix("mismatched checkpoint"))
        #expect(!message(mismatched).contains("\n"))

        // A configuration far larger than the file's tensors (a model of 640 GB here): an
        // error before the model is made, not a failed allocation (found by checking what
        // fuzz-safetensors cannot reach: a valid configuration with huge sizes).
        for (key, value) in [("hidden", 200_000), ("layers", 1 << 40), ("embedding", Int.max / 2)] {
            var huge = model.config
            switch key {
            case "hidden": huge.model.hiddenSize = value
            case "layers": huge.model.encoderLayers = value
            default: huge.model.embeddingSize = value
            }
            metadata[ModelFile.configKey] = try huge.jsonString()
            let path = dir + "/huge-\(key).safetensors"
            try model.store.save(to: path, metadata: metadata)
            #expect(message(path).contains("too few for its configuration"), "\(key): \(message(path))")
        }
    }
}
