@testable import MTTrain
import MTEval
import Testing

/// Validation BLEU tokenises as sacreBLEU does for the target language, so that early
/// stopping and the best checkpoint follow a meaningful score on Chinese too.
@Suite struct ValidationBLEUTests {
    static func validator(_ language: String, references: [String]) throws -> Validator {
        let pairs = TrainerFixture.pairs(references.count, seed: 3)
        return Validator(set: try ValidationSet(corpus: pairs, references: references, targetLanguage: language,
                                                decodeTarget: TrainerFixture.text))
    }

    @Test func chineseReferencesAreScoredByCharacter() throws {
        #expect(try Self.validator("zh", references: ["一只狗在跑。"]).bleu.tokenizer == .zh)
        #expect(try Self.validator("en", references: ["A dog runs."]).bleu.tokenizer == .thirteenA)
        #expect(try Self.validator("", references: ["A dog runs."]).bleu.tokenizer == .thirteenA)
    }

    @Test func languageCodesWithRegionsAndScripts() {
        for code in ["zh", "ZH", "zh-Hans", "zh_CN", "zh-TW"] { #expect(BLEUTokenizer.default(forLanguage: code) == .zh) }
        for code in ["en", "de", "ja", "", "zho"] { #expect(BLEUTokenizer.default(forLanguage: code) == .thirteenA) }
    }

    /// Unsegmented Chinese under 13a is one token per clause: a translation one character
    /// off scores nothing; under zh it keeps most of its n-grams.
    @Test func theChoiceMattersForUnsegmentedText() {
        let ref = ["一只黑狗在草地上跑。"], hyp = ["一只黑狗在草地上走。"]
        #expect(BLEU(tokenizer: .thirteenA).corpusScore(hypotheses: hyp, references: [ref]).score < 1)
        #expect(BLEU(tokenizer: .zh).corpusScore(hypotheses: hyp, references: [ref]).score > 50)
    }
}
