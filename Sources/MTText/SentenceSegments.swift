/// A text as the sentences to translate and everything between them: `separators[0]` comes
/// before the first sentence, `separators[i]` between sentences i - 1 and i, the last one
/// after the last sentence. Sentences neither begin nor end with white space, separators
/// hold nothing else, and the two interleaved give back the text byte for byte, so that
/// translating sentence by sentence loses nothing of what lies between them.
public struct SentenceSegments: Equatable, Sendable {
    public var sentences: [String]
    /// `sentences.count + 1` strings of white space (possibly empty).
    public var separators: [String]

    public init(sentences: [String], separators: [String]) {
        precondition(separators.count == sentences.count + 1, "one separator more than sentences")
        self.sentences = sentences
        self.separators = separators
    }

    /// The whole of `text` as one sentence: white space around it becomes the outer separators.
    public init(whole text: String) {
        let scalars = Array(text.unicodeScalars)
        var start = 0, end = scalars.count
        while start < end && Normalizer.isWhiteSpace(scalars[start]) { start += 1 }
        while end > start && Normalizer.isWhiteSpace(scalars[end - 1]) { end -= 1 }
        if start == end {
            self.init(sentences: [], separators: [text])
        } else {
            self.init(sentences: [String(String.UnicodeScalarView(scalars[start..<end]))],
                      separators: [String(String.UnicodeScalarView(scalars[..<start])),
                                   String(String.UnicodeScalarView(scalars[end...]))])
        }
    }

    /// Each line of `text` as one sentence: line breaks and the white space around each line
    /// are the separators.
    public init(lines text: String) {
        var sentences: [String] = [], separators: [String] = []
        var space = ""
        var line = ""
        func endLine() {
            let whole = SentenceSegments(whole: line)
            space += whole.separators[0]
            if let sentence = whole.sentences.first {
                separators.append(space)
                sentences.append(sentence)
                space = whole.separators[1]
            }
            line = ""
        }
        for s in text.unicodeScalars {
            if Self.isLineBreak(s) {
                endLine()
                space.unicodeScalars.append(s)
            } else {
                line.unicodeScalars.append(s)
            }
        }
        endLine()
        separators.append(space)
        self.init(sentences: sentences, separators: separators)
    }

    /// The text these segments came from.
    public var text: String { joined(sentences) }

    /// `translations` (one per sentence) in place of the sentences, with the source's
    /// separators. Between two sentences, a separator of spaces alone follows the target's
    /// script: none between two written without spaces (Chinese and Japanese, which end
    /// sentences with 。！？), a space where the source had none but the target needs one.
    /// Line breaks and the outer separators are kept as they are.
    public func joined(_ translations: [String]) -> String {
        var out = ""
        for (i, separator) in separators(for: translations).enumerated() {
            if i > 0 { out += translations[i - 1] }
            out += separator
        }
        return out
    }

    /// The separators `joined` puts around `translations`.
    public func separators(for translations: [String]) -> [String] {
        precondition(translations.count == sentences.count, "one translation per sentence")
        var out = separators
        for i in 1..<Swift.max(1, sentences.count) {
            out[i] = Self.separator(separators[i], source: (sentences[i - 1], sentences[i]),
                                    target: (translations[i - 1], translations[i]))
        }
        return out
    }

    /// The separator between two translated sentences: the source's, unless the two sides
    /// differ in whether their sentences meet with or without a space.
    static func separator(_ source: String, source pair: (String, String), target: (String, String)) -> String {
        if source.unicodeScalars.contains(where: Self.isLineBreak) { return source }
        let sourceSpaceless = Self.meetWithoutSpace(pair.0, pair.1)
        let targetSpaceless = Self.meetWithoutSpace(target.0, target.1)
        if sourceSpaceless == targetSpaceless || target.0.isEmpty || target.1.isEmpty { return source }
        return targetSpaceless ? "" : (source.isEmpty ? " " : source)
    }

    /// Whether a sentence ending as `before` does and one starting as `after` does are
    /// written together without a space: both sides in a script written without spaces
    /// between sentences, or its full-width punctuation.
    static func meetWithoutSpace(_ before: String, _ after: String) -> Bool {
        // Closing quotes and brackets after a sentence's end, and opening ones before the
        // next, belong to either kind of script: look past them.
        let last = before.unicodeScalars.reversed().first { !isQuoteOrBracket($0) }
        let first = after.unicodeScalars.first { !isQuoteOrBracket($0) }
        guard let last, let first else { return false }
        return isWrittenWithoutSpaces(last) && isWrittenWithoutSpaces(first)
    }

    /// Han, kana, Bopomofo, CJK and full-width punctuation: Chinese and Japanese text, whose
    /// sentences follow one another without a space. (Thai and Lao write words without
    /// spaces but separate sentences with one.)
    static func isWrittenWithoutSpaces(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2E80...0x2FDF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x312F, 0x31A0...0x31FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF,
             0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    static func isQuoteOrBracket(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .initialPunctuation, .finalPunctuation, .openPunctuation, .closePunctuation: return true
        default: return s == "\"" || s == "'"
        }
    }

    static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
