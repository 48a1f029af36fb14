import Testing
@testable import MTEval

// Expected strings were produced by sacreBLEU 2.6.0's tokenizer classes.
struct TokenizerTests {
    @Test func thirteenA() {
        let t = BLEUTokenizer.thirteenA
        #expect(t.tokenize("Hello, world! It's 1,000.50 dollars.") == "Hello , world ! It's 1,000.50 dollars .")
        #expect(t.tokenize("AT&amp;T &quot;rocks&quot; &amp;lt;b&gt;") == "AT & T \" rocks \" < b >")
        #expect(t.tokenize("In 2019.") == "In 2019 .")
        #expect(t.tokenize("1990-2000 a-b") == "1990 - 2000 a-b")
        #expect(t.tokenize("a <skipped> b") == "a b")
    }

    @Test func international() {
        let t = BLEUTokenizer.intl
        #expect(t.tokenize("Hello, world! It's 1,000.50 dollars.") == "Hello , world ! It ' s 1,000.50 dollars .")
        #expect(t.tokenize("AT&amp;T &quot;rocks&quot; &amp;lt;b&gt;")
                == "AT & amp ; T & quot ; rocks & quot ; & amp ; lt ; b & gt ;")
        // mteval-v14 keeps a period after a final number.
        #expect(t.tokenize("In 2019.") == "In 2019.")
        #expect(t.tokenize("1990-2000 a-b") == "1990-2000 a - b")
    }

    @Test func chinese() {
        let t = BLEUTokenizer.zh
        #expect(t.tokenize("他说：“我们用Python 3.10写代码。”") == "他 说 ： “ 我 们 用 Python 3.10 写 代 码 。 ”")
        // Em dash and ellipsis fall in sacreBLEU's accidental U+2001...U+2A6D range.
        #expect(t.tokenize("价格——太贵了…") == "价 格 — — 太 贵 了 …")
        #expect(TokenizerZh.isChinese(0x2014))
        #expect(!TokenizerZh.isChinese(0x20000))
    }

    @Test func charAndNone() {
        #expect(BLEUTokenizer.char.tokenize("ab c") == "a b   c")
        #expect(BLEUTokenizer.char.tokens(PythonText.codePoints("ab c")).count == 3)
        #expect(BLEUTokenizer.none.tokenize("a,b  c") == "a,b  c")
    }
}
