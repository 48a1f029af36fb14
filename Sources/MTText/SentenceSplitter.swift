/// Splits text into sentences: ICU's sentence break rules in the language's locale, then
/// `SentenceBreakCorrections`: the locale's CLDR abbreviations (the list ICU's "@ss=standard"
/// uses, matched as whole words) and ours ("Dr.", "e.g.", "z. B."), a segment that goes on
/// in lowercase, closing quotes set off by a space (« Viens ! » dit-il), ordinals ("am
/// 3. Mai"), a sentence end before a number.
///
/// Line breaks end sentences and are never joined over (a text's lines stay lines),
/// unless `lineBreaks` is false, as for HTML, where a line break is a space.
/// Holds an ICU iterator: not thread-safe, one per thread.
public final class SentenceSplitter {
    public let language: String
    private let breaker: BreakIterator
    private let corrections: SentenceBreakCorrections

    /// - Parameter language: a BCP 47 / ICU language code ("en", "de", "zh"); "" splits by
    ///   the root locale's rules, without abbreviations.
    public init(language: String) throws {
        self.language = language
        breaker = try BreakIterator(.sentences, locale: language)
        corrections = SentenceBreakCorrections(language: language)
    }

    public func split(_ text: String, lineBreaks: Bool = true) -> SentenceSegments {
        let units = Array(text.utf16)
        if units.isEmpty { return SentenceSegments(sentences: [], separators: [""]) }
        var pieces: [[UInt16]] = []
        if lineBreaks {
            // Each line on its own: ICU ends sentences at some line breaks only (not at a
            // vertical tab or form feed), and a line break is never inside a sentence.
            var start = 0
            while start < units.count {
                var end = start
                while end < units.count && !Self.isLineBreak(units[end]) { end += 1 }
                if end > start { pieces += icuPieces(Array(units[start..<end])) }
                var next = end
                while next < units.count && Self.isLineBreak(units[next]) { next += 1 }
                if next > end { pieces.append(Array(units[end..<next])) }
                start = next
            }
        } else {
            var forICU = units
            for i in forICU.indices where Self.isLineBreak(forICU[i]) { forICU[i] = 0x20 }
            pieces = icuPieces(forICU, original: units)
        }
        return Self.segments(corrections.apply(pieces, lineBreaks: lineBreaks))
    }

    /// ICU's sentences of `units`, each with the white space after it, cut from `original`
    /// (the same text where line breaks were not replaced).
    private func icuPieces(_ units: [UInt16], original: [UInt16]? = nil) -> [[UInt16]] {
        let source = original ?? units
        // ICU cannot fail on valid input; one sentence rather than lose text if it does.
        let ends = (try? breaker.segmentEnds(units)).map(Array.init) ?? [Int32(units.count)]
        var pieces: [[UInt16]] = []
        var start = 0
        for e in ends {
            pieces.append(Array(source[start..<Int(e)]))
            start = Int(e)
        }
        if start < source.count { pieces.append(Array(source[start...])) }
        return pieces
    }

    /// Pieces (each a sentence with the white space around it) to sentences and separators.
    static func segments(_ pieces: [[UInt16]]) -> SentenceSegments {
        var sentences: [String] = [], separators: [String] = []
        var space: [UInt16] = []
        for piece in pieces {
            var a = 0, b = piece.count
            while a < b && Normalizer.isWhiteSpace(piece[a]) { a += 1 }
            while b > a && Normalizer.isWhiteSpace(piece[b - 1]) { b -= 1 }
            space += piece[0..<a]
            if a < b {
                separators.append(String(decoding: space, as: UTF16.self))
                sentences.append(String(decoding: piece[a..<b], as: UTF16.self))
                space = Array(piece[b...])
            } else {
                space += piece[a...]
            }
        }
        separators.append(String(decoding: space, as: UTF16.self))
        return SentenceSegments(sentences: sentences, separators: separators)
    }

    static func isLineBreak(_ u: UInt16) -> Bool {
        switch u {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
