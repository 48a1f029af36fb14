import MTCore
import Foundation
import MTDecode
import MTModel
import MTModelFile
import MTTensor
import MTText
import Testing

@Suite struct ShortlistTests {
    /// Source 4 always comes with target 9, source 5 with target 10; target 6 is everywhere.
    static let corpus: EncodedCorpus = {
        var c = EncodedCorpus()
        for i in 0..<30 {
            var source: [Int32] = [i % 2 == 0 ? 4 : 5, 6]
            var target: [Int32] = [6, i % 2 == 0 ? 9 : 10, 6]
            if i % 3 == 0 { source.append(7); target.append(Int32(11 + i % 4)) }
            c.append(source: source, target: target)
        }
        return c
    }()

    @Test func translationsFollowCooccurrenceAndFrequentListHoldsSpecials() {
        let s = Shortlist.build(from: Self.corpus, sourceVocabularySize: 9, targetVocabularySize: 16, frequent: 1, perSource: 2)
        #expect(s.frequent == [SpecialToken.unk, SpecialToken.eos, 6])
        #expect(s.translations[4].first == 9)
        #expect(s.translations[5].first == 10)
        #expect(s.translations[0].isEmpty && s.translations[8].isEmpty)
        #expect(s.translations.allSatisfy { $0.count <= 2 && !$0.contains(SpecialToken.pad) && !$0.contains(SpecialToken.bos) })
        // Sorted union of the frequent ids and the sources' translations; </s> always.
        #expect(s.targets(for: [[4], [4, 4]]) == ([SpecialToken.unk, SpecialToken.eos, 6] + s.translations[4]).sorted().uniqued())
        #expect(s.targets(for: [[Int32]]()) == [SpecialToken.unk, SpecialToken.eos, 6])
    }

    static func vocabulary(_ size: Int, _ tag: String) throws -> Vocabulary {
        let tokens = SpecialToken.names + (SpecialToken.names.count..<size).map { "\(tag)\($0)" }
        return try Vocabulary(fileText: tokens.map { "\($0)\t1\n" }.joined())
    }

    @Test func fileRoundTripAndVocabularyCheck() throws {
        let dir = NSTemporaryDirectory() + "shortlist-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = try Self.vocabulary(9, "s"), target = try Self.vocabulary(16, "t")
        let s = Shortlist.build(from: Self.corpus, sourceVocabularySize: 9, targetVocabularySize: 16, frequent: 3, perSource: 3)
        let path = dir + "/s.safetensors"
        try s.write(to: path, sourceVocabulary: source, targetVocabulary: target)
        #expect(try Shortlist.load(path, sourceVocabulary: source, targetVocabulary: target) == s)
        #expect(throws: FileError.self) { try Shortlist.load(path, sourceVocabulary: source, targetVocabulary: Self.vocabulary(16, "u")) }
        #expect(throws: FileError.self) { try Shortlist.load(dir + "/none", sourceVocabulary: source, targetVocabulary: target) }
        try Data("not a shortlist".utf8).write(to: URL(fileURLWithPath: dir + "/bad"))
        #expect(throws: FileError.self) { try Shortlist.load(dir + "/bad", sourceVocabulary: source, targetVocabulary: target) }
    }

    /// A search of `sources` with a shortlist of the whole vocabulary gives the hypotheses of
    /// the search without one, scores within `tolerance`.
    static func expectWholeVocabularyChangesNothing<T: Real>(
        _ model: Seq2Seq<T>, _ options: BeamSearchOptions, _ sources: [[Int32]], tolerance: Double
    ) {
        let plain = BeamSearch(model: model, options: options).search(sources)
        var restricted = options
        let (s, t) = (model.config.sourceVocabularySize, model.config.targetVocabularySize)
        restricted.shortlist = Shortlist(
            sourceVocabularySize: s, targetVocabularySize: t, frequent: (0..<t).map(Int32.init),
            translations: Array(repeating: [], count: s))
        let whole = BeamSearch(model: model, options: restricted).search(sources)
        #expect(whole.map { $0.map(\.tokens) } == plain.map { $0.map(\.tokens) })
        for (a, b) in zip(whole.joined(), plain.joined()) { #expect(abs(a.score - b.score) < tolerance) }
    }

    @Test func wholeVocabularyShortlistChangesNothingAndAShortOneBindsTheOutput() {
        let model = BeamSearchTests.model()
        var options = BeamSearchTests.options(beam: 3, nBest: 2, alpha: 1)
        Self.expectWholeVocabularyChangesNothing(model, options, BeamSearchTests.sources, tolerance: 1e-12)

        // Only 5 and 7 (and </s>) allowed, whatever the sources: 7 only after source 8.
        let short = Shortlist(
            sourceVocabularySize: 9, targetVocabularySize: 8, frequent: [5],
            translations: (0..<9).map { $0 == 8 ? [7] : [] })
        options = BeamSearchTests.options(beam: 2, nBest: 2, alpha: 1)
        options.shortlist = short
        let search = BeamSearch(model: model, options: options)
        for source in BeamSearchTests.sources where !source.isEmpty {
            let allowed: Set<Int32> = source.contains(8) ? [5, 7] : [5]
            let list = search.search([source])[0]
            #expect(list.count == 2)
            for h in list {
                #expect(h.tokens.allSatisfy(allowed.contains), "\(source): \(h.tokens)")
                #expect(h.logProbability <= 0)
            }
        }

        // A union smaller than the beam ({</s>, 5} for beam 3) falls back to the whole
        // vocabulary, so n-best lists stay full and distinct.
        options = BeamSearchTests.options(beam: 3, nBest: 3, alpha: 1)
        let unrestricted = BeamSearch(model: model, options: options).search([[4, 5]])
        options.shortlist = short
        let fallback = BeamSearch(model: model, options: options).search([[4, 5]])
        #expect(fallback[0].map(\.tokens) == unrestricted[0].map(\.tokens))
        #expect(Set(fallback[0].map(\.tokens)).count == 3)
    }
}

extension Array where Element: Hashable {
    fileprivate func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
