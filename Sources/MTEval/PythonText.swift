// sacreBLEU is Python: its whitespace, stripping, splitting and lowercasing follow
// Python's `str` rules on code points. These helpers reproduce them on Unicode scalars,
// stored as UInt32 so that the hot loops avoid String's grapheme machinery.

/// A line as a sequence of Unicode code points (what Python indexes).
public typealias CodePoints = [UInt32]

enum PythonText {
    /// Python's `str.isspace()`: bidirectional class WS, B or S, or category Zs.
    @inline(__always)
    static func isSpace(_ c: UInt32) -> Bool {
        if c < 0x80 { return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) }
        switch c {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    static func codePoints(_ s: String) -> CodePoints {
        var out = CodePoints()
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars { out.append(u.value) }
        return out
    }

    static func string(_ cps: ArraySlice<UInt32>) -> String {
        var s = String.UnicodeScalarView()
        for c in cps { s.append(Unicode.Scalar(c)!) }
        return String(s)
    }

    static func string(_ cps: CodePoints) -> String { string(cps[...]) }

    /// `str.split()`: runs of whitespace separate tokens, no empty tokens.
    static func split(_ cps: CodePoints) -> [ArraySlice<UInt32>] {
        var tokens: [ArraySlice<UInt32>] = []
        var i = 0
        let n = cps.count
        while i < n {
            while i < n && isSpace(cps[i]) { i += 1 }
            if i == n { break }
            let start = i
            while i < n && !isSpace(cps[i]) { i += 1 }
            tokens.append(cps[start..<i])
        }
        return tokens
    }

    /// `' '.join(s.split())`
    static func normalizeSpaces(_ cps: CodePoints) -> CodePoints {
        var out = CodePoints()
        out.reserveCapacity(cps.count)
        for token in split(cps) {
            if !out.isEmpty { out.append(0x20) }
            out.append(contentsOf: token)
        }
        return out
    }

    /// `str.rstrip()`
    static func rstrip(_ cps: CodePoints) -> CodePoints {
        var end = cps.count
        while end > 0 && isSpace(cps[end - 1]) { end -= 1 }
        return end == cps.count ? cps : Array(cps[..<end])
    }

    /// `str.strip()`
    static func strip(_ cps: CodePoints) -> CodePoints {
        var end = cps.count
        while end > 0 && isSpace(cps[end - 1]) { end -= 1 }
        var start = 0
        while start < end && isSpace(cps[start]) { start += 1 }
        return (start == 0 && end == cps.count) ? cps : Array(cps[start..<end])
    }

    /// `str.rstrip()` on a String.
    static func rstrip(_ s: String) -> String {
        var scalars = s.unicodeScalars
        while let last = scalars.last, isSpace(last.value) { scalars.removeLast() }
        return String(scalars)
    }

    /// `str.lower()`: full case mapping plus the Final_Sigma rule Python applies to U+03A3.
    static func lower(_ cps: CodePoints) -> CodePoints {
        var out = CodePoints()
        out.reserveCapacity(cps.count)
        for (i, c) in cps.enumerated() {
            if c < 0x80 {
                out.append(c >= 0x41 && c <= 0x5A ? c + 0x20 : c)
            } else if c == 0x3A3 {
                out.append(isFinalSigma(cps, at: i) ? 0x3C2 : 0x3C3)
            } else {
                let scalar = Unicode.Scalar(c)!
                if !scalar.properties.changesWhenLowercased {
                    out.append(c)
                } else {
                    for u in scalar.properties.lowercaseMapping.unicodeScalars { out.append(u.value) }
                }
            }
        }
        return out
    }

    /// Mirrors CPython's `handle_capital_sigma`.
    private static func isFinalSigma(_ cps: CodePoints, at i: Int) -> Bool {
        func props(_ c: UInt32) -> Unicode.Scalar.Properties { Unicode.Scalar(c)!.properties }
        var j = i - 1
        while j >= 0 && props(cps[j]).isCaseIgnorable { j -= 1 }
        guard j >= 0 && props(cps[j]).isCased else { return false }
        j = i + 1
        while j < cps.count && props(cps[j]).isCaseIgnorable { j += 1 }
        return j == cps.count || !props(cps[j]).isCased
    }
}
