import Testing
@testable import MTText

@Suite struct BPETests {
    func counts(_ text: String) throws -> WordCounts {
        let tokenizer = try WordTokenizer()
        var c = WordCounts()
        c.add(tokenizer.tokenize(text))
        return c
    }

    @Test func learnsTheMostFrequentPairsFirst() throws {
        let codes = BPELearner.learn(try counts("low low low lower lowest newest newest widest"), merges: 4)
        #expect(codes.merges.first == BPECodes.Merge("l", "o"))
        #expect(codes.merges.count == 4)
        let bpe = BPE(codes: codes)
        #expect(bpe.segment("low") == ["low"])
        #expect(bpe.segment("lowest").joined() == "lowest")
    }

    @Test func stopsWhenNoPairRepeats() throws {
        #expect(BPELearner.learn(try counts("abc def"), merges: 100).merges.isEmpty)
    }

    @Test func learningIsDeterministic() throws {
        let c = try counts("the cat sat on the mat with the other cats and a hat that was flat")
        #expect(BPELearner.learn(c, merges: 30) == BPELearner.learn(c, merges: 30))
    }

    @Test func subwordsAfterTheFirstAreGlued() throws {
        let codes = BPECodes(merges: [.init("a", "b"), .init("ab", "c</w>")])
        let out = BPE(codes: codes).apply([Token("xabc"), Token("abc", glued: true)])
        #expect(out.map(\.textForm) == ["x", "￭abc", "￭abc"])
        #expect(out.detokenized == "xabcabc")
    }

    @Test func codesTextRoundTrips() throws {
        let codes = BPELearner.learn(try counts("Straße straßen Bäume Bäumen 🙂🙂 🙂🙂"), merges: 10)
        #expect(try BPECodes(text: codes.text) == codes)
    }

    @Test func malformedCodesNameTheLine() {
        #expect(throws: TextError("malformed merge: expected 'left right'", at: "c:3")) {
            try BPECodes(text: "#mt-bpe-codes 1\na b\nabc\n", location: "c")
        }
        #expect(throws: TextError.self) { try BPECodes(text: "a b\n") }
    }

    @Test func hugeTokenIsFast() {
        let codes = BPECodes(merges: [.init("a", "a"), .init("aa", "aa"), .init("aaaa", "aaaa"), .init("a", "b")])
        let word = String(repeating: "ab", count: 50_000)
        let pieces = BPE(codes: codes).segment(word)
        #expect(pieces.joined() == word)
        #expect(pieces.count == 50_001)  // the last "b" ends the word: no "a b</w>" merge
    }

    @Test func sameMergeAppliesLeftToRight() {
        let bpe = BPE(codes: BPECodes(merges: [.init("a", "a")]))
        #expect(bpe.segment("aaa") == ["aa", "a"])
    }
}
