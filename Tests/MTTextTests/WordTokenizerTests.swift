import MTCore
import Testing
@testable import MTText

@Suite struct WordTokenizerTests {
    let tokenizer = try! WordTokenizer()

    @Test func wordsNumbersAndPunctuation() {
        let tokens = tokenizer.tokenize("Hello, world! It costs 3.50 € (today).")
        #expect(tokens.map(\.text) == ["Hello", ",", "world", "!", "It", "costs", "3.50", "€", "(", "today", ")", "."])
        #expect(tokens.map(\.glued) == [false, true, false, true, false, false, false, false, false, true, true, true])
        #expect(tokens.textForm == "Hello ￭, world ￭! It costs 3.50 € ( ￭today ￭) ￭.")
    }

    @Test func chineseGetsDictionarySegmentation() {
        let texts = tokenizer.tokenize("我要去打篮球。今天天气很好").map(\.text)
        #expect(texts.contains("篮球"))
        #expect(texts.contains("今天"))
        #expect(texts.joined() == "我要去打篮球。今天天气很好")
    }

    @Test func thaiAndJapaneseAreSegmented() {
        #expect(tokenizer.tokenize("ภาษาไทยง่ายนิดเดียว").count > 1)
        #expect(tokenizer.tokenize("東京に行きました").count > 1)
    }

    @Test func textFormRoundTrips() {
        for line in ["Hello, world!", "a \u{301}b", "👨‍👩‍👧 family 👍🏽!", "שלום, עולם.", "x ￭ y￭z", "<unk> </s>"] {
            let tokens = tokenizer.tokenize(line)
            #expect([Token](textForm: tokens.textForm) == tokens)
            #expect(tokens.detokenized == Normalizer.normalize(line))
            #expect(tokens.allSatisfy { !$0.text.isEmpty && !$0.text.unicodeScalars.contains(" ") })
        }
    }

    @Test func literalJoinerCannotCollideWithTheMark() {
        // NFKC maps U+FFED to U+25A0, so the mark only ever means "glued".
        let tokens = tokenizer.tokenize("a￭b ￭")
        #expect(!tokens.contains { $0.text.contains(Token.joiner) })
        #expect(tokens.detokenized == "a■b ■")
    }

    @Test func specialsCannotBeTokens() {
        let texts = tokenizer.tokenize("<s> </s> <unk> <pad>").map(\.textForm)
        #expect(!texts.contains { SpecialToken.names.contains($0) })
    }

    @Test func lowercasingIsLocaleAware() throws {
        #expect(try WordTokenizer(lowercase: true).tokenize("İSTANBUL Straße").map(\.text) == ["i\u{307}stanbul", "straße"])
        #expect(try WordTokenizer(lowercase: true, locale: "tr").tokenize("ISTANBUL").map(\.text) == ["ıstanbul"])
    }

    @Test func emptyAndSpaceOnlyLinesHaveNoTokens() {
        #expect(tokenizer.tokenize("").isEmpty)
        #expect(tokenizer.tokenize(" \t\u{3000}").isEmpty)
    }
}
