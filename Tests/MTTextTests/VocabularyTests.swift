import MTCore
import Testing
@testable import MTText

@Suite struct VocabularyTests {
    func sample() -> WordCounts {
        var c = WordCounts()
        for w in ["b", "a", "c", "a", "b", "a", "d"] { c.add(w) }
        return c
    }

    @Test func specialsFirstThenByCount() {
        let v = Vocabulary(counts: sample())
        #expect(v.tokens == ["<pad>", "<unk>", "<s>", "</s>", "a", "b", "c", "d"])
        #expect(v.id(of: "a") == 4)
        #expect(v.id(of: "zzz") == SpecialToken.unk)
        #expect(v.token(at: SpecialToken.eos) == "</s>")
    }

    @Test func minFrequencyAndMaxSize() {
        #expect(Vocabulary(counts: sample(), minFrequency: 2).tokens.dropFirst(4) == ["a", "b"])
        #expect(Vocabulary(counts: sample(), maxSize: 1).tokens.dropFirst(4) == ["a"])
    }

    @Test func fileTextRoundTripsAndHashIsStable() throws {
        let v = Vocabulary(counts: sample())
        #expect(v.fileText.hasPrefix("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\t3\n"))
        let w = try Vocabulary(fileText: v.fileText)
        #expect(w == v)
        #expect(w.hash == v.hash)
        #expect(v.hash.count == 16)
        #expect(FNV1a.hex("") == "cbf29ce484222325")
    }

    @Test func canonicallyEquivalentTokensStayDistinct() {
        var c = WordCounts()
        c.add("\u{E9}")
        c.add("e\u{301}")
        let v = Vocabulary(counts: c)
        #expect(v.count == 6)
        #expect(v.id(of: "\u{E9}") != v.id(of: "e\u{301}"))
    }

    @Test(arguments: [
        ("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\tx\n", "count is not a non-negative integer (v:5)"),
        ("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\t1\na\t2\n", "duplicate token 'a' (first on line 5) (v:6)"),
        ("<pad>\t0\n<s>\t0\n", "expected the special token <unk> on this line (v:2)"),
        ("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na 1\n", "expected 'token<TAB>count' (v:5)"),
        ("<pad>\t0\n<unk>\t0\n", "missing special tokens: a vocabulary starts with <pad> <unk> <s> </s> (v:3)"),
        ("<pad>\t0", "last line does not end with a newline (v:1)"),
    ])
    func invalidFilesNameTheLine(text: String, message: String) {
        #expect(throws: TextError.self) { try Vocabulary(fileText: text, location: "v") }
        do { _ = try Vocabulary(fileText: text, location: "v") } catch { #expect("\(error)" == message) }
    }
}
