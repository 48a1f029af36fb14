/// Character references in HTML text (`&amp;` `&#233;` `&#xE9;` `&eacute;`), decoded as a
/// browser's tokenizer does for the names in `named`: numeric ones with or without the semicolon
/// (0, surrogates and values past U+10FFFF become U+FFFD, 0x80–0x9F are read as Windows-1252);
/// named ones with the semicolon, or without it for HTML 5's legacy names, longest first
/// (`&copy 2024`, `&notit;` is ¬ followed by "it;"). Anything else is a literal `&`.
enum HTMLCharacterReferences {
    /// What an `&` starts: the character it spells (nil: a literal `&`) and how many bytes spell it.
    struct Reference {
        var scalar: Unicode.Scalar?
        var length: Int
        /// nil when the spelling ends with `;`. Otherwise the number of bytes after the spelling
        /// that the reading went through (the rest of an alphanumeric run, or the `#` and `x` of
        /// a literal `&#x`): the spelling reads the same again only when those bytes follow it,
        /// then a byte that is none of ASCII alphanumeric, `#` and `;` (or the same byte as here).
        var lookahead: Int?
    }

    /// The reference at `bytes[start]`, an `&`, in text that ends at `end`.
    static func reference(in bytes: [UInt8], at start: Int, end: Int) -> Reference {
        var i = start + 1
        if i < end && bytes[i] == UInt8(ascii: "#") {
            i += 1
            let hex = i < end && (bytes[i] | 0x20) == UInt8(ascii: "x")
            if hex { i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            while i < end, let d = digit(bytes[i], hex: hex) {
                value = min(value &* (hex ? 16 : 10) &+ d, 0x110000)
                i += 1
            }
            guard i > digitsStart else { return Reference(scalar: nil, length: 1, lookahead: i - start - 1) }
            if i < end && bytes[i] == UInt8(ascii: ";") { return Reference(scalar: numeric(value), length: i + 1 - start, lookahead: nil) }
            return Reference(scalar: numeric(value), length: i - start, lookahead: 0)
        }
        while i < end && isASCIIAlphanumeric(bytes[i]) { i += 1 }
        let name = bytes[(start + 1)..<i]
        if i < end && bytes[i] == UInt8(ascii: ";"), name.count <= 8,
           let value = named[String(decoding: name, as: UTF8.self)] {
            return Reference(scalar: Unicode.Scalar(value), length: i + 1 - start, lookahead: nil)
        }
        // Legacy names are at most 6 letters.
        var n = min(name.count, 6)
        while n >= 2 {
            let prefix = String(decoding: name.prefix(n), as: UTF8.self)
            if legacy.contains(prefix), let value = named[prefix] {
                return Reference(scalar: Unicode.Scalar(value), length: 1 + n, lookahead: name.count - n)
            }
            n -= 1
        }
        return Reference(scalar: nil, length: 1, lookahead: name.count)
    }

    /// Whether `b` after a reference's spelling and lookahead leaves its reading as it is.
    static func endsReference(_ b: UInt8) -> Bool {
        !isASCIIAlphanumeric(b) && b != UInt8(ascii: "#") && b != UInt8(ascii: ";")
    }

    private static func digit(_ b: UInt8, hex: Bool) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func isASCIIAlphanumeric(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || ((b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z"))
    }

    private static func numeric(_ value: UInt32) -> Unicode.Scalar {
        if value >= 0x80 && value <= 0x9F, let mapped = windows1252[Int(value - 0x80)] { return mapped }
        guard value != 0, let s = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return s
    }

    /// What 0x80–0x9F mean in Windows-1252, which is what pages that write them mean
    /// (nil: undefined there, kept as the C1 control).
    private static let windows1252: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]
}
