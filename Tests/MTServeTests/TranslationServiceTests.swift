import Foundation
import MTDecode
import MTModel
import MTModelFile
import MTTensor
import MTText
import Testing
@testable import MTServe

/// The batching service against mt-translate's own path (Translator) on a small
/// random-weight model: outputs must be the same, whatever the batches and threads.
@Suite struct TranslationServiceTests {
    static let lines = ["Ein Mann schläft.", "", "Eine Frau liest ein Buch.", "Zwei Männer spielen.", "Ein Kind liest.",
                        "我要去打篮球。", "Buch Buch Buch Buch Buch Buch", "Ein", "Zwei Frauen lesen ein Buch.", "Mann Frau Kind"]

    static let modelPath: String = {
        let dir = NSTemporaryDirectory() + "mt-serve-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let src = ["Ein Mann schläft.", "Eine Frau liest ein Buch.", "Zwei Männer spielen.", "Ein Kind liest.", "我要去打篮球。"]
        let tgt = ["A man sleeps.", "A woman reads a book.", "Two men play.", "A child reads.", "I am going to play basketball."]
        try! src.joined(separator: "\n").write(toFile: dir + "/train.de", atomically: true, encoding: .utf8)
        try! tgt.joined(separator: "\n").write(toFile: dir + "/train.en", atomically: true, encoding: .utf8)
        var options = PreprocessOptions(trainSource: dir + "/train.de", trainTarget: dir + "/train.en", outputDirectory: dir + "/data")
        options.vocabularyDirectory = dir + "/vocab"
        options.bpeMerges = 10
        try! Preprocessor.run(options)
        let pipeline = try! PreprocessedData(directory: dir + "/data").makePipeline()
        var config = Seq2SeqConfig(
            sourceVocabularySize: pipeline.sourceVocabulary.count, targetVocabularySize: pipeline.targetVocabulary.count)
        config.embeddingSize = 8
        config.hiddenSize = 8
        config.encoderLayers = 1
        config.decoderLayers = 2
        config.paramInit = 0.5
        try! ModelFile.save(Seq2Seq<Float>(config, rng: SeededRandom(seed: 4)), pipeline: pipeline, to: dir + "/m.safetensors")
        return dir + "/m.safetensors"
    }()

    func service(threads: Int, batch: BatchPolicy = BatchPolicy(), limits: ServeLimits = ServeLimits())
        throws -> (TranslationService, ServedModel)
    {
        let model = try ServedModel.load(id: "m", path: Self.modelPath)
        let service = TranslationService(registry: ModelRegistry([model]), policy: batch, limits: limits,
                                         threads: threads, metrics: ServeMetrics())
        return (service, model)
    }

    /// mt-translate's outputs for the same settings.
    func reference(_ s: SearchSettings) throws -> [Translation] {
        let loaded = try ModelFile.load(Self.modelPath)
        var o = TranslationOptions()
        o.search = s.searchOptions
        o.search.keepAlignment = false
        o.search.keepAttention = false
        o.replaceUnknown = s.replaceUnknown
        o.attention = s.attention
        o.batchSize = 3
        return Translator(model: loaded.model, pipeline: loaded.pipeline, options: o).translations(Self.lines, firstIndex: 0)
    }

    /// The same texts and subwords; scores to 1e-6, since a sentence's score changes in its
    /// last bits with the batch it is searched in (the GEMMs' row count), in mt-translate as well.
    func same(_ a: [Translation], _ b: [Translation]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.sourceTokens == y.sourceTokens && x.outputs.map(\.text) == y.outputs.map(\.text)
                && x.outputs.map(\.targetTokens) == y.outputs.map(\.targetTokens)
                && zip(x.outputs, y.outputs).allSatisfy { abs($0.score - $1.score) <= 1e-6 * max(1, abs($1.score)) }
        }
    }

    @Test(arguments: [1, 2])
    func concurrentRequestsGetMtTranslatesOutputsInOrder(threads: Int) async throws {
        var batch = BatchPolicy()
        batch.maxSentences = 3
        let (service, model) = try service(threads: threads, batch: batch)
        defer { service.shutdown() }
        var settings = [SearchSettings(), SearchSettings()]
        settings[1].beamSize = 3
        settings[1].nBest = 2
        settings[1].lengthPenalty = 0
        for s in settings {
            let expected = try reference(s)
            // Every line alone, all at once, and the whole list, concurrently.
            try await withThrowingTaskGroup(of: (Int, [Translation]).self) { group in
                for (i, line) in Self.lines.enumerated() {
                    group.addTask { (i, try await service.translate([line], model: model, settings: s)) }
                }
                group.addTask { (-1, try await service.translate(Self.lines, model: model, settings: s)) }
                for try await (i, ts) in group {
                    if i < 0 {
                        #expect(same(ts, expected))
                    } else {
                        #expect(ts.count == 1 && same(ts, [expected[i]]), "\(i): \(ts.map { $0.outputs.map(\.text) }) \(expected[i].outputs.map(\.text)) \(ts.map { $0.outputs.map(\.score) }) \(expected[i].outputs.map(\.score))")
                    }
                }
            }
        }
        #expect(service.queueDepth == 0)
    }

    @Test func unknownModelsAreNamedOnOneLine() throws {
        let registry = ModelRegistry([try ServedModel.load(id: "m", path: Self.modelPath)])
        #expect(throws: ServeError(404, #"unknown model 'a\u{a}b\u{2028}' (serving: m (?→?))"#)) {
            try registry.resolve(model: "a\nb\u{2028}", source: nil, target: nil)
        }
        // Language codes are named as given when plain, quoted otherwise.
        #expect(ServeError.language("de", or: "auto") == "de" && ServeError.language(nil, or: "auto") == "auto")
        #expect(ServeError.language("x\r\ny", or: "?") == #"'x\u{d}\u{a}y'"#)
    }

    @Test func fullQueueIsRefusedWith503() async throws {
        var limits = ServeLimits()
        limits.maxQueueSentences = 3
        let (service, model) = try service(threads: 1, limits: limits)
        defer { service.shutdown() }
        do {
            _ = try await service.translate(Array(Self.lines.prefix(4)), model: model, settings: SearchSettings())
            Issue.record("no error")
        } catch let e as ServeError {
            #expect(e.status == 503 && e.retryAfter == 1 && e.message.contains("max_queue_sentences 3"))
        }
        #expect(try await service.translate(Array(Self.lines.prefix(3)), model: model, settings: SearchSettings()).count == 3)
    }

    @Test func timeoutAnswers504AndCancellationLeavesTheQueue() async throws {
        var limits = ServeLimits()
        limits.timeoutSeconds = 0.05
        var batch = BatchPolicy()
        batch.maxWaitMilliseconds = 10_000   // nothing is due before the time limit
        let (service, model) = try service(threads: 1, batch: batch, limits: limits)
        do {
            _ = try await service.translate(["Ein Mann."], model: model, settings: SearchSettings())
            Issue.record("no error")
        } catch let e as ServeError {
            #expect(e.status == 504 && e.message.contains("timeout_seconds"))
        }
        #expect(service.queueDepth == 0)
        let task = Task { try await service.translate(["Ein Kind."], model: model, settings: SearchSettings()) }
        try await Task.sleep(for: .milliseconds(10))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(service.queueDepth == 0)
        service.shutdown()
    }
}
