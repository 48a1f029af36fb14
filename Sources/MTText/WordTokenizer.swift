/// Normalises a line and splits it into tokens with ICU word-break rules.
///
/// Every ICU segment that is not a space becomes a token. A segment may also
/// contain a space (ICU keeps a combining mark or ZWJ with the space before it),
/// so segments are cut again at each U+0020: tokens never hold a space, and the
/// glued flags restore the normalised line exactly.
/// Holds an ICU iterator: not thread-safe, make one per thread.
public final class WordTokenizer {
    public let lowercase: Bool
    public let locale: String
    private let breaker: BreakIterator

    /// - Parameters:
    ///   - lowercase: lowercase the normalised line (ICU, rules of `locale`).
    ///   - locale: a BCP 47 / ICU locale such as "tr" or "de"; "" is the root locale.
    public init(lowercase: Bool = false, locale: String = "") throws {
        self.lowercase = lowercase
        self.locale = locale
        breaker = try BreakIterator(.words)
    }

    /// The line after normalisation and, if enabled, lowercasing: what detokenisation gives back.
    public func normalize(_ line: String) -> String {
        String(decoding: prepared(line), as: UTF16.self)
    }

    public func tokenize(_ line: String) -> [Token] {
        let units = prepared(line)
        if units.isEmpty { return [] }
        guard let ends = try? breaker.segmentEnds(units) else {
            // ICU cannot fail on valid input; fall back to spaces rather than lose text.
            return Array(textForm: String(decoding: units, as: UTF16.self))
        }
        var tokens: [Token] = []
        tokens.reserveCapacity(ends.count / 2 + 1)
        var segmentStart = 0
        for e in ends {
            let segmentEnd = Int(e)
            var i = segmentStart
            while i < segmentEnd {
                if units[i] == 0x20 { i += 1; continue }
                var j = i + 1
                while j < segmentEnd && units[j] != 0x20 { j += 1 }
                let glued = i > 0 && units[i - 1] != 0x20
                tokens.append(Token(String(decoding: units[i..<j], as: UTF16.self), glued: glued))
                i = j
            }
            segmentStart = segmentEnd
        }
        return tokens
    }

    private func prepared(_ line: String) -> [UInt16] {
        let units = Normalizer.normalizedUTF16(line)
        guard lowercase, !units.isEmpty else { return units }
        return (try? ICU.lowercase(units, locale: locale)) ?? units
    }
}
