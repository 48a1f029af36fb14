import Testing
@testable import MTEval

struct PythonTextTests {
    func lower(_ s: String) -> String { PythonText.string(PythonText.lower(PythonText.codePoints(s))) }

    @Test func lowercaseFollowsPython() {
        #expect(lower("ΣΊΣΥΦΟΣ ΟΔΟΣ.") == "σίσυφος οδος.".replacingFinalSigma())
        #expect(lower("İx") == "i\u{307}x")
        #expect(lower("STRASSE ẞ") == "strasse ß")
    }

    @Test func whitespaceIsPythons() {
        for c: UInt32 in [0x09, 0x0B, 0x1C, 0x1F, 0x85, 0xA0, 0x2028, 0x3000] { #expect(PythonText.isSpace(c)) }
        for c: UInt32 in [0x200B, 0xFEFF, 0x41] { #expect(!PythonText.isSpace(c)) }
        let parts = PythonText.split(PythonText.codePoints("\u{3000}a\u{A0}b\u{200B}c "))
        #expect(parts.map { PythonText.string(Array($0)) } == ["a", "b\u{200B}c"])
    }
}

private extension String {
    /// Python lowercases a word-final capital sigma to "ς".
    func replacingFinalSigma() -> String {
        var scalars = Array(unicodeScalars)
        for i in scalars.indices where scalars[i] == "σ" {
            let next = i + 1 < scalars.count ? scalars[i + 1] : " "
            if !next.properties.isAlphabetic { scalars[i] = "ς" }
        }
        return String(String.UnicodeScalarView(scalars))
    }
}
