import Foundation
@testable import MTDecode
import MTTensor
import MTText
import Testing

/// Texts split for translation and joined again: with a translator that gives each sentence
/// back as it came (and links each word to itself), any text or HTML comes back byte for byte.
@Suite struct TextPlanTests {
    static let shared: TextPipeline = {
        let dir = try! ModelFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try! ModelFileTests.makePipeline(in: dir)
    }()
    /// A pipeline of this test's own: pipelines are not thread-safe, and tests run at once.
    let pipeline = TextPlanTests.shared.copy()

    /// The identity translator: each sentence's text, word i linked to word i.
    func identity(_ plan: TextPlan) -> [Translation] {
        plan.sentences.enumerated().map { i, input in
            let tokens = pipeline.subwordTokens(input.source)
            let words = WordAlignmentTestsSupport.wordCount(input.source)
            var output = Translation.Output(text: input.source, targetTokens: tokens, score: -1, attention: nil)
            output.alignment = WordAlignment(links: (0..<words).map { WordAlignment.Link(source: $0, target: $0) })
            return Translation(index: i, sourceTokens: tokens, outputs: tokens.isEmpty ? [] : [output])
        }
    }

    func roundTrip(_ texts: [String], format: TextFormat) -> [String] {
        let plan = TextPlan(texts.map { TranslationInput(source: $0) }, pipeline: pipeline, format: format, maxSourceLength: 10_000)
        return plan.assemble(identity(plan)).map { $0.outputs.first?.text ?? "<none>" }
    }

    @Test func anyTextComesBackByteForByte() {
        let rng = SeededRandom(seed: 11)
        let pieces = ["Ein Mann schläft.", " ", "  ", "\n", "\r\n", "\t", "\n\n", "Dr. Müller liest?", "我很好。", "你呢？",
                      "z. B.", "!", "« Viens ! »", "\u{A0}", "\u{3000}", "\u{1}", "👍🏽", "e\u{301}", "", "Buch", "..."]
        var texts: [String] = ["", " ", "\n", "Ein Mann schläft. Eine Frau liest.\n\n  Zwei Männer spielen!  "]
        for _ in 0..<400 {
            texts.append((0..<rng.below(13)).map { _ in pieces[rng.below(pieces.count)] }.joined())
        }
        #expect(roundTrip(texts, format: .text) == texts)
    }

    @Test func anyHTMLComesBackByteForByte() {
        let rng = SeededRandom(seed: 12)
        let pieces = ["<p>", "</p>", "<b>", "</b>", "<i class=\"x\">", "</i>", "<br>", "<!-- c -->", "<pre>Ein Buch.</pre>",
                      "Ein Mann schläft.", " Eine Frau liest. ", "\n", "&amp;", "&nbsp;", "&#39;", "<a href=\"/x?a=1&amp;b\">",
                      "</a>", "<li>", "<script>var a = '<p>';</script>", "我很好。你呢？", "<", ">", "&", "Dr. Müller"]
        var texts = ["<html><head><title>Ein Buch</title></head><body><p>Ein <b>Mann</b> schläft.</p></body></html>\n"]
        for _ in 0..<400 {
            texts.append((0..<rng.below(15)).map { _ in pieces[rng.below(pieces.count)] }.joined())
        }
        #expect(roundTrip(texts, format: .html) == texts)
    }

    /// A sentence over the limit is translated in pieces that each fit, joined again; the
    /// pieces are the normalised sentence's text, cut after clause marks where possible.
    @Test func longSentencesAreTranslatedInPieces() {
        let sentence = (0..<30).map { "Ein Mann liest ein Buch \($0)," }.joined(separator: " ") + " und schläft."
        var warnings: [String] = []
        let plan = TextPlan([TranslationInput(source: sentence)], pipeline: pipeline, maxSourceLength: 40) { message, _ in
            warnings.append(message)
        }
        #expect(plan.sentences.count > 1)
        #expect(plan.sentences.allSatisfy { pipeline.subwords($0.source).count <= 40 })
        #expect(plan.sentences.dropLast().allSatisfy { $0.source.hasSuffix(",") })
        #expect(warnings.count == 1 && warnings[0].contains("pieces of at most 40"), "\(warnings)")
        let joined = plan.assemble(identity(plan))[0].outputs[0].text
        #expect(joined == pipeline.normalize(sentence))
        // One word alone over the limit is cut inside, and nothing of it is lost.
        let word = String(repeating: "abcdefghij", count: 40)
        let wordPlan = TextPlan([TranslationInput(source: word)], pipeline: pipeline, maxSourceLength: 5)
        #expect(wordPlan.sentences.count > 1 && wordPlan.sentences.map(\.source).joined() == word)
    }

    /// Sentence translations join into the whole text's: scores add up, and alignments and
    /// attention point into the whole text.
    @Test func joinedTranslationsPointIntoTheWholeText() {
        let plan = TextPlan([TranslationInput(source: "Ein Mann schläft. Ein Kind liest ein Buch.")], pipeline: pipeline,
                            maxSourceLength: 100)
        #expect(plan.sentences.map(\.source) == ["Ein Mann schläft.", "Ein Kind liest ein Buch."])
        var parts = identity(plan)
        for i in parts.indices {
            let rows = parts[i].outputs[0].targetTokens.count, width = parts[i].sourceTokens.count
            parts[i].outputs[0].attention = Array(repeating: Array(repeating: 1 / Double(width), count: width), count: rows)
        }
        let t = plan.assemble(parts)[0]
        let o = t.outputs[0]
        #expect(o.score == -2)
        #expect(t.sourceTokens == parts[0].sourceTokens + parts[1].sourceTokens)
        #expect(o.alignment?.links.map { "\($0.source)-\($0.target)" } == (0..<8).map { "\($0)-\($0)" })
        let attention = o.attention ?? []
        #expect(attention.count == o.targetTokens.count && attention.allSatisfy { $0.count == t.sourceTokens.count })
        let first = parts[0].sourceTokens.count
        #expect(attention.last.map { $0[..<first].allSatisfy { $0 == 0 } } == true)
        #expect(attention.first.map { $0[first...].allSatisfy { $0 == 0 } } == true)
    }
}

enum WordAlignmentTestsSupport {
    static func wordCount(_ text: String) -> Int {
        text.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).count
    }
}

extension SeededRandom {
    /// A number in 0..<n.
    func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
