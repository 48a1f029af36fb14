import Testing
@testable import MTEval

// Expected values from sacreBLEU 2.6.0's Python API on the same input.
struct MetricTests {
    let hyps = ["The cat sat on the mat.", "Hello there"]

    @Test func bleuWithTwoReferenceStreams() {
        let refs = [["The cat is on the mat.", "Hello there!"], ["A cat sat on the mat.", "Hi there"]]
        let s = BLEU().corpusScore(hypotheses: hyps, references: refs)
        #expect(s.description == "BLEU = 88.01 100.0/100.0/80.0/75.0 (BP = 1.000 ratio = 1.000 hyp_len = 9 ref_len = 9)")
        #expect(s.counts == [9, 7, 4, 3])
        #expect(s.totals == [9, 7, 5, 4])
        #expect(s.precisions == [100, 100, 80, 75])
        #expect(s.bp == 1 && s.ratio == 1 && s.sysLen == 9 && s.refLen == 9)
        #expect(BLEU().signature(numRefs: 2).format()
                == "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:\(MTEvalVersion.signature)")
    }

    @Test func chrfAndChrfPlusPlus() {
        let refs = [["The cat is on the mat.", "Hello there!"]]
        #expect(CHRF(wordOrder: 2).corpusScore(hypotheses: hyps, references: refs).description == "chrF2++ = 74.49")
        #expect(CHRF().corpusScore(hypotheses: hyps, references: refs).score == 74.98700373700373)
    }

    @Test func emptyHypothesesScoreZero() {
        let s = BLEU().corpusScore(hypotheses: ["", ""], references: [["a b", "c"]])
        #expect(s.score == 0 && s.bp == 0 && s.sysLen == 0 && s.refLen == 3)
        #expect(CHRF().corpusScore(hypotheses: ["", ""], references: [["a b", "c"]]).score == 0)
    }

    @Test func smoothingMatters() {
        let refs = [["the cat sat on the mat"]]
        let hyp = ["on mat a the cat"]
        let none = BLEU(smoothing: .none).corpusScore(hypotheses: hyp, references: refs)
        let exp = BLEU(smoothing: .exp).corpusScore(hypotheses: hyp, references: refs)
        #expect(none.score == 0)
        #expect(exp.score > 0)
        #expect(BLEU(smoothing: .floor).signature(numRefs: 1).format(short: true)
                == "#:1|c:mixed|e:no|tok:13a|s:floor[0.10]|v:\(MTEvalVersion.signature)")
    }

    @Test func textLinesFollowPythonFiles() {
        let bytes = Array("a\r\nb\rc  \n\nd".utf8)
        #expect(TextLines.decode(bytes, newlines: .universal).lines == ["a", "b", "c", "", "d"])
        #expect(TextLines.decode(bytes, newlines: .lineFeed).lines == ["a", "b\rc", "", "d"])
        #expect(TextLines.decode([], newlines: .lineFeed).lines.isEmpty)
        let bad = TextLines.decode([0x61, 0xFF, 0x0A, 0x62], newlines: .lineFeed)
        #expect(bad.lines == ["a\u{FFFD}", "b"] && bad.invalidLines == 1 && bad.firstInvalidLine == 1)
    }
}
