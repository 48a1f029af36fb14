import Foundation
import MTCore
import MTDecode
import MTModel
import MTModelFile
import MTTensor
import MTText
import Testing

/// Prefixes, scores, alignments and ensembles through the `Translator`, on text.
@Suite struct TranslatorToolingTests {
    static let lines = (0..<24).map { i in
        ["Ein Mann liest ein Buch.", "", "Zwei Frauen schlafen.", "Ein Kind spielt mit einem Mann."][i % 4]
            + String(repeating: " Buch", count: i % 5)
    }

    static func fixture() throws -> (dir: String, pipeline: TextPipeline, model: Seq2Seq<Float>) {
        let dir = try ModelFileTests.temporaryDirectory()
        let pipeline = try ModelFileTests.makePipeline(in: dir)
        return (dir, pipeline, ModelFileTests.smallModel(pipeline))
    }

    @Test func prefixesStartTheOutputs() throws {
        let (dir, pipeline, model) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = TranslationOptions()
        options.search.beamSize = 3
        options.search.nBest = 3
        options.batchSize = 5
        options.workers = 2
        let prefixes = ["A man", nil, "Two women read", "", "A child plays with a book and a man"]
        let inputs = Self.lines.enumerated().map { TranslationInput(source: $1, target: prefixes[$0 % prefixes.count]) }
        let out = Translator(model: model, pipeline: pipeline, options: options).translations(inputs, firstIndex: 0)
        // Prefix words outside the vocabulary are forced as <unk> and shown as given.
        #expect(!pipeline.encodeTarget("Two women read").allSatisfy { $0 != SpecialToken.unk })
        for (input, t) in zip(inputs, out) where !input.source.isEmpty {
            let prefix = pipeline.subwordTokens(input.target ?? "", side: .target)
            for o in t.outputs {
                #expect(Array(o.targetTokens.prefix(prefix.count)) == prefix, "\(input)")
                // White space before a line's first sentence stays before its translation.
                #expect(o.text.drop(while: \.isWhitespace).hasPrefix(TextPipeline.detokenize(prefix)))
            }
        }
    }

    /// Scoring a pair is the forced search along the target's subwords and </s>, whose
    /// steps add up to the printed total (ForcedDecodingTests: the search's own score).
    @Test func scoresArePrintedForTheForcedTargets() throws {
        let (dir, pipeline, model) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let targets = ["A man sleeps.", "A woman reads a book.", "Two men play.", "A child reads.", ""]
        let pairs = Self.lines.enumerated().map { TranslationInput(source: $1, target: targets[$0 % targets.count]) }
        var options = TranslationOptions()
        options.scoring = true
        options.tokenScores = true
        options.batchSize = 7
        let scored = Translator(model: model, pipeline: pipeline, options: options).translations(pairs, firstIndex: 0)
        var o = BeamSearchOptions()
        o.beamSize = 1
        o.lengthPenalty = 0
        let forcer = BeamSearch(model: ModelFileTests.smallModel(pipeline), options: o)
        for (pair, t) in zip(pairs, scored) where !pair.source.isEmpty {
            let s = t.outputs[0]
            let prefix = pipeline.encodeTarget(pair.target!) + [SpecialToken.eos]
            let f = forcer.search([SearchInput(sources: [pipeline.encodeSource(pair.source)], prefix: prefix)])[0][0]
            #expect(s.length == prefix.count && s.targetTokens == pipeline.subwordTokens(pair.target!, side: .target) + ["</s>"])
            #expect(abs(s.logProbability - f.logProbability) < 1e-4 * Swift.max(1, abs(f.logProbability)))
            #expect(s.tokenLogProbabilities!.count == s.length)
            #expect(abs(s.tokenLogProbabilities!.reduce(0, +) - s.logProbability) < 1e-9)
        }
        #expect(Self.lines[5].isEmpty && TranslationFormat.scoreLine(scored[5], tokenScores: true, alignment: false) == "")
        let columns = TranslationFormat.scoreLine(scored[0], tokenScores: true, alignment: true).components(separatedBy: "\t")
        #expect(columns.count == 4 && columns[2].split(separator: " ").count == scored[0].outputs[0].length)
        let best = scored[0].outputs[0]
        #expect(columns[1] == String(format: "%.6f", best.logProbability / Double(best.length)))
    }

    /// Every output word has a link, and every link is inside both lines.
    @Test(arguments: [false, true])
    func alignmentsCoverEveryTargetWordWithinBounds(_ scoring: Bool) throws {
        let (dir, pipeline, model) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = TranslationOptions()
        options.alignment = true
        options.scoring = scoring
        if !scoring {
            options.search.beamSize = 3
            options.search.nBest = 2
            options.nBestFormat = true
        }
        let inputs = Self.lines.map { TranslationInput(source: $0, target: scoring ? "A man reads a book." : nil) }
        let out = Translator(model: model, pipeline: pipeline, options: options).translations(inputs, firstIndex: 0)
        for (line, t) in zip(Self.lines, out) where !line.isEmpty {
            let sourceWords = pipeline.normalize(line).split(separator: " ").count
            for o in t.outputs {
                let targetWords = o.text.split(separator: " ").count
                let links = o.alignment!.links
                #expect(Set(links.map(\.target)) == Set(0..<targetWords), "\(o.text): \(o.alignment!.pharaoh)")
                #expect(links.allSatisfy { $0.source >= 0 && $0.source < sourceWords })
            }
        }
        let lines = TranslationFormat.lines(out[0], nBest: scoring ? nil : 2, alignment: true)
        #expect(lines[0].hasSuffix(" ||| " + out[0].outputs[0].alignment!.pharaoh))
        #expect(lines.allSatisfy { $0.components(separatedBy: " ||| ").count == (scoring ? 2 : 4) })
    }

    @Test func subwordsMapToTheWordsOfTheLine() {
        let a = WordAlignment(
            sourceTokens: ["Ein", "Ma", "\u{FFED}nn", "\u{FFED}.", "Buch"], targetTokens: ["A", "man", "\u{FFED}.", "book"],
            positions: [0, 2, 3, 4])
        // "man" and its glued "." are one word, aligned to "Ma nn ." once.
        #expect(a.pharaoh == "0-0 1-1 2-2")
        let b = WordAlignment(sourceTokens: ["Ein", "Mann"], targetTokens: ["A", "man", "\u{FFED}s"], positions: [1, 0, 1])
        #expect(b.pharaoh == "1-0 0-1 1-1")
    }

    @Test func anEnsembleOfEqualModelsTranslatesAsOne() throws {
        let (dir, pipeline, model) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = TranslationOptions()
        options.search.beamSize = 3
        options.search.nBest = 2
        options.workers = 2
        let alone = Translator(model: model, pipeline: pipeline, options: options).translations(Self.lines, firstIndex: 0)
        let ensemble = Translator(
            models: [ModelFileTests.smallModel(pipeline), ModelFileTests.smallModel(pipeline)],
            pipelines: [pipeline, pipeline], options: options
        ).translations(Self.lines, firstIndex: 0)
        #expect(ensemble.map { $0.outputs.map(\.text) } == alone.map { $0.outputs.map(\.text) })
        #expect(ensemble.map { $0.outputs.map(\.score) } == alone.map { $0.outputs.map(\.score) })
    }
}
