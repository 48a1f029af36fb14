import MTCore
import Foundation
import Testing
@testable import MTText

@Suite struct TextPipelineTests {
    static let source = ["Ein Mann schläft.", "Eine Frau liest ein Buch.", "Zwei Männer spielen Fußball.", "Ein Kind schläft."]
    static let target = ["A man sleeps.", "A woman reads a book.", "Two men play football.", "A child sleeps."]

    func makePipeline(lowercase: Bool = false) throws -> TextPipeline {
        let tokenizer = try WordTokenizer(lowercase: lowercase)
        var words = WordCounts()
        var src = WordCounts(), tgt = WordCounts()
        let codes: BPECodes = {
            for l in Self.source + Self.target { words.add(tokenizer.tokenize(l)) }
            return BPELearner.learn(words, merges: 20)
        }()
        let bpe = BPE(codes: codes)
        for l in Self.source { for t in bpe.apply(tokenizer.tokenize(l)) { src.add(t.textForm) } }
        for l in Self.target { for t in bpe.apply(tokenizer.tokenize(l)) { tgt.add(t.textForm) } }
        var settings = PreprocessSettings()
        settings.lowercase = lowercase
        settings.bpeMerges = 20
        settings.jointBPE = true
        let sv = Vocabulary(counts: src), tv = Vocabulary(counts: tgt)
        settings.sourceVocabularyHash = sv.hash
        settings.targetVocabularyHash = tv.hash
        settings.sourceCodesHash = codes.hash
        settings.targetCodesHash = codes.hash
        return try TextPipeline(settings: settings, sourceCodes: codes, targetCodes: codes, sourceVocabulary: sv, targetVocabulary: tv)
    }

    @Test func encodeDecodeRoundTrip() throws {
        let p = try makePipeline()
        for line in Self.target {
            let ids = p.encodeTarget(line)
            #expect(!ids.contains(SpecialToken.unk))
            #expect(p.decodeTarget(ids + [SpecialToken.eos, 5, 6]) == line)
            #expect(p.decodeTarget([SpecialToken.bos] + ids) == line)
        }
        #expect(p.subwordTokens(Self.source[0]).count == p.encodeSource(Self.source[0]).count)
    }

    @Test func unknownWordsBecomeUnk() throws {
        let p = try makePipeline()
        #expect(p.encodeSource("Ein Zebra schläft.").contains(SpecialToken.unk))
        #expect(p.decodeTarget([SpecialToken.unk]) == "<unk>")
    }

    @Test func lowercaseSettingApplies() throws {
        let p = try makePipeline(lowercase: true)
        #expect(p.normalize("EIN Mann") == "ein mann")
        #expect(p.decodeTarget(p.encodeTarget("A MAN sleeps.")) == "a man sleeps.")
    }

    @Test func metadataRoundTrips() throws {
        let p = try makePipeline()
        let q = try TextPipeline(metadata: p.metadata)
        #expect(q.settings == p.settings)
        #expect(q.encodeSource(Self.source[2]) == p.encodeSource(Self.source[2]))
        var broken = p.metadata
        broken[TextPipeline.MetadataKey.targetVocabulary] = "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\n"
        #expect(throws: TextError.self) { try TextPipeline(metadata: broken) }
        broken[TextPipeline.MetadataKey.targetVocabulary] = nil
        #expect(throws: TextError("missing 'text.target_vocab'", at: "model metadata")) { try TextPipeline(metadata: broken) }
    }

    @Test func settingsJSONRoundTripsAndRejectsOtherVersions() throws {
        var s = PreprocessSettings()
        s.validSource = "v.de"
        s.bpeMerges = 7
        #expect(try PreprocessSettings(jsonString: s.jsonString()) == s)
        let future = s.jsonString().replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 2")
        #expect(throws: TextError.self) { try PreprocessSettings(jsonString: future) }
        #expect(throws: TextError.self) { try PreprocessSettings(jsonString: "{}") }
    }
}
