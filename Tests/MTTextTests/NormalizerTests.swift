import Testing
@testable import MTText

@Suite struct NormalizerTests {
    @Test func nfkcFoldsCompatibilityForms() {
        #expect(Normalizer.normalize("ＡＢＣ ﬁ ①") == "ABC fi 1")
        #expect(Normalizer.normalize("e\u{301}") == "\u{E9}")
    }

    @Test func controlsAreRemovedAndTabBecomesSpace() {
        #expect(Normalizer.normalize("a\u{0}b\u{7F}c\u{85}d\u{9F}e") == "abc de")
        #expect(Normalizer.normalize("a\tb") == "a b")
        #expect(Normalizer.normalize("a\u{1}\u{301}") == "\u{E1}")  // removing the control lets NFKC compose
    }

    @Test func whiteSpaceCollapsesAndTrims() {
        #expect(Normalizer.normalize("  a \u{A0}\u{2003} b\u{3000}\u{2028}c \r") == "a b c")
        #expect(Normalizer.normalize(" \t ") == "")
        #expect(Normalizer.normalize("") == "")
    }

    @Test func thaiSaraAmIsRewrittenByNFKC() {
        #expect(Normalizer.normalize("คำ") == "ค\u{E4D}\u{E32}")
    }

    @Test func normalisationIsIdempotent() {
        for s in ["  Ａ\u{301} x\t\u{0}y ", "ｶﾞ ㌀", "a \u{301}b"] {
            let once = Normalizer.normalize(s)
            #expect(Normalizer.normalize(once) == once)
        }
    }
}
