/// BLEU's tokenisers, named and behaving as in sacreBLEU 2.x.
public enum BLEUTokenizer: String, CaseIterable, Sendable {
    /// mteval-v13a, WMT's standard (sacreBLEU's default).
    case thirteenA = "13a"
    /// mteval-v14 "international": splits on Unicode punctuation and symbols.
    case intl
    /// Chinese characters become tokens; the rest is tokenised like 13a.
    case zh
    /// Every character is a token.
    case char
    /// Whitespace splitting only.
    case none

    /// The name used in signatures and on the command line.
    public var signature: String { rawValue }

    /// sacreBLEU's default for references in `language` (an ISO 639 code, "zh-Hans" and
    /// "zh_CN" too): zh for Chinese, else 13a. (For Japanese and Korean sacreBLEU uses MeCab,
    /// which is not here; they get 13a.)
    public static func `default`(forLanguage language: String) -> BLEUTokenizer {
        let code = language.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? ""
        return code == "zh" ? .zh : .thirteenA
    }

    /// The tokenised line, exactly as sacreBLEU's tokenizer returns it.
    public func tokenize(_ line: String) -> String {
        PythonText.string(tokenize(codePoints: PythonText.codePoints(line)))
    }

    func tokenize(codePoints line: CodePoints) -> CodePoints {
        switch self {
        case .thirteenA: return Tokenizer13a.tokenize(line)
        case .intl: return TokenizerIntl.tokenize(line)
        case .zh: return TokenizerZh.tokenize(line)
        case .char:
            // sacreBLEU joins every code point, spaces included, with spaces.
            var out = CodePoints()
            out.reserveCapacity(line.count * 2)
            for c in line {
                if !out.isEmpty { out.append(0x20) }
                out.append(c)
            }
            return out
        case .none: return line
        }
    }

    /// The tokens BLEU counts: the tokenised line split on whitespace.
    func tokens(_ line: CodePoints) -> [ArraySlice<UInt32>] {
        if self == .char {
            // Same result as splitting the joined form, without building it.
            var out: [ArraySlice<UInt32>] = []
            out.reserveCapacity(line.count)
            for i in line.indices where !PythonText.isSpace(line[i]) { out.append(line[i...i]) }
            return out
        }
        return PythonText.split(tokenize(codePoints: line))
    }
}
