import Foundation
import FuzzSupport
import MTEval

/// mt-bleu's tokenizers on any text (no crash, and tokenising a tokenised line changes
/// nothing for whitespace splitting), and BLEU and chrF of the line against itself.
func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    let line = String(decoding: input, as: UTF8.self)
    for tokenizer in BLEUTokenizer.allCases { _ = tokenizer.tokenize(line) }
    let once = BLEUTokenizer.none.tokenize(line)
    expect(BLEUTokenizer.none.tokenize(once) == once, "whitespace splitting is not idempotent")
    // The first line against the rest, each tokenizer's BLEU and chrF: finite, in [0, 100].
    let lines = line.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let (hypothesis, reference) = (lines[0], lines.count > 1 ? lines[1] : lines[0])
    for tokenizer in BLEUTokenizer.allCases {
        let bleu = BLEU(tokenizer: tokenizer).corpusScore(hypotheses: [hypothesis], references: [[reference]]).score
        expect(bleu.isFinite && bleu >= 0 && bleu <= 100 + 1e-9, "BLEU \(bleu)")
    }
    let chrf = CHRF().corpusScore(hypotheses: [hypothesis], references: [[reference]]).score
    expect(chrf.isFinite && chrf >= 0 && chrf <= 100 + 1e-9, "chrF \(chrf)")
    return 0
}

runFuzzer { fuzzOneInput($0, $1) }
