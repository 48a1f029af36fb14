/// sacreBLEU's `TokenizerRegexp`, the language-dependent part of 13a that zh shares.
/// Each regular expression is replayed as a left-to-right scan with the same
/// non-overlapping match semantics as Python's `re.sub`.
enum TokenizerRegexp {
    @inline(__always) static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    /// `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: ASCII punctuation except `'`, `,`, `-`, `.` (and space).
    @inline(__always) static func isSplitPunct(_ c: UInt32) -> Bool {
        (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26)
            || (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F
    }

    @inline(__always) static func isPeriodOrComma(_ c: UInt32) -> Bool { c == 0x2E || c == 0x2C }

    static func tokenize(_ line: CodePoints) -> CodePoints {
        var s = CodePoints()
        s.reserveCapacity(line.count * 2)
        for c in line {
            if isSplitPunct(c) {
                s.append(0x20); s.append(c); s.append(0x20)
            } else {
                s.append(c)
            }
        }
        // period and comma unless preceded by a digit: `([^0-9])([\.,])` -> `\1 \2 `
        s = substitutePairs(s, { !isDigit($0) }, isPeriodOrComma, spaceBefore: false)
        // period and comma unless followed by a digit: `([\.,])([^0-9])` -> ` \1 \2`
        s = substitutePairs(s, isPeriodOrComma, { !isDigit($0) }, spaceBefore: true)
        // dash preceded by a digit: `([0-9])(-)` -> `\1 \2 `
        s = substitutePairs(s, isDigit, { $0 == 0x2D }, spaceBefore: false)
        return PythonText.normalizeSpaces(s)
    }

    /// `re.sub` of a two-character pattern `(A)(B)`: with `spaceBefore` the replacement
    /// is ` \1 \2`, otherwise `\1 \2 `. Matches never overlap and scanning resumes after
    /// the second character, exactly as Python does.
    @inline(__always)
    static func substitutePairs(
        _ s: CodePoints, _ first: (UInt32) -> Bool, _ second: (UInt32) -> Bool, spaceBefore: Bool
    ) -> CodePoints {
        var out = CodePoints()
        out.reserveCapacity(s.count + s.count / 2)
        var i = 0
        let n = s.count
        while i < n {
            if i + 1 < n && first(s[i]) && second(s[i + 1]) {
                if spaceBefore { out.append(0x20) }
                out.append(s[i]); out.append(0x20); out.append(s[i + 1])
                if !spaceBefore { out.append(0x20) }
                i += 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }
}
