import MTCore
import Testing

@Suite struct JSONLiteralTests {
    /// Python: json.dumps(s, ensure_ascii=False).
    @Test func escapesAsPythonDoes() {
        #expect("a\"b\\c\u{1}é".jsonLiteral == "\"a\\\"b\\\\c\\u0001é\"")
        #expect("\n\r\t\u{08}\u{0C}\u{1F}".jsonLiteral == "\"\\n\\r\\t\\b\\f\\u001f\"")
        #expect("/ ￭ 😀".jsonLiteral == "\"/ ￭ 😀\"")
        #expect("".jsonLiteral == "\"\"")
    }
}
