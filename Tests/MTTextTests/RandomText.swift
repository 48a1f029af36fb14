/// Seeded generator (SplitMix64): the same seed gives the same test cases.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random lines as raw bytes: mixed scripts, emoji sequences, combining marks,
/// right-to-left text, bidi and format controls, white space of every kind,
/// literal joiners, arbitrary scalars, and invalid UTF-8.
enum RandomText {
    static let pieces: [String] = [
        "Hello", "world", "don't", "3.14", "1,000", "e-mail", "U.S.A.", ",", ".", "!", "?", "(", ")", "\"", "'", "-", "—", "…",
        "Straße", "Ärger", "naïve", "Ελληνικά", "русский", "čeština", "français",
        "שלום", "עולם", "مرحبا", "العالم", "\u{200F}", "\u{200E}", "\u{202B}", "\u{202C}", "\u{2067}", "\u{2069}",
        "我要去打篮球", "今天天气很好", "。", "東京に行きました", "カタカナ", "ひらがな", "ภาษาไทยง่ายนิดเดียว", "คำ", "한국어",
        "\u{301}", "\u{308}\u{323}", "e\u{301}", "a\u{20DD}", "\u{94C}",
        "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇩🇪", "1️⃣", "🙂", "\u{200D}", "\u{200C}", "\u{200B}", "\u{FEFF}",
        " ", "  ", "\t", "\u{A0}", "\u{3000}", "\u{2028}", "\u{2029}", "\u{85}", "\r", "\u{B}",
        "\u{0}", "\u{1B}", "\u{7F}", "\u{9B}",
        "￭", "￭￭", "■", "<unk>", "</w>", "<s>", "@@",
        "ｶﾞ", "Ａ", "ﬁ", "①", "㌀", "\u{FFFD}", "\u{FFFE}", "\u{E000}", "\u{10FFFF}",
    ]

    static let invalid: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xE2, 0x82], [0xF0, 0x9F], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]]

    static func line(_ rng: inout SplitMix64) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            switch Int.random(in: 0..<20, using: &rng) {
            case 0:
                bytes += invalid.randomElement(using: &rng)!
            case 1:
                // Any scalar (surrogate code points are not scalars; their bytes come from `invalid`).
                var v = UInt32.random(in: 0...0x10FFFF, using: &rng)
                if (0xD800...0xDFFF).contains(v) { v = 0x41 }
                bytes += Array(String(Unicode.Scalar(v)!).utf8)
            default:
                bytes += Array(pieces.randomElement(using: &rng)!.utf8)
            }
            if Bool.random(using: &rng) { bytes.append(0x20) }
        }
        bytes.removeAll { $0 == 0x0A }
        return bytes
    }
}
