/// sacreBLEU's `TokenizerV14International` (mteval-v14 "international"):
///   `(\P{N})(\p{P})` -> `\1 \2 `, `(\p{P})(\P{N})` -> ` \1 \2`, `(\p{S})` -> ` \1 `,
/// then whitespace normalised. No padding, so a number followed by a final period
/// keeps its period, as in mteval-v14.
enum TokenizerIntl {
    static func tokenize(_ line: CodePoints) -> CodePoints {
        var s = TokenizerRegexp.substitutePairs(line, { !isNumber($0) }, isPunctuation, spaceBefore: false)
        s = TokenizerRegexp.substitutePairs(s, isPunctuation, { !isNumber($0) }, spaceBefore: true)
        var out = CodePoints()
        out.reserveCapacity(s.count + 8)
        for c in s {
            if isSymbol(c) {
                out.append(0x20); out.append(c); out.append(0x20)
            } else {
                out.append(c)
            }
        }
        return PythonText.normalizeSpaces(out)
    }

    /// `\p{P}`: general categories Pc, Pd, Ps, Pe, Pi, Pf, Po.
    @inline(__always) static func isPunctuation(_ c: UInt32) -> Bool {
        if c < 0x80 {
            return (c >= 0x21 && c <= 0x2F && c != 0x24 && c != 0x2B)
                || (c >= 0x3A && c <= 0x40 && c != 0x3C && c != 0x3D && c != 0x3E)
                || (c >= 0x5B && c <= 0x60 && c != 0x5E && c != 0x60)
                || c == 0x7B || c == 0x7D
        }
        switch Unicode.Scalar(c)!.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// `\p{S}`: general categories Sm, Sc, Sk, So.
    @inline(__always) static func isSymbol(_ c: UInt32) -> Bool {
        if c < 0x80 {
            return c == 0x24 || c == 0x2B || c == 0x3C || c == 0x3D || c == 0x3E || c == 0x5E
                || c == 0x60 || c == 0x7C || c == 0x7E
        }
        switch Unicode.Scalar(c)!.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// `\p{N}`: general categories Nd, Nl, No.
    @inline(__always) static func isNumber(_ c: UInt32) -> Bool {
        if c < 0x80 { return c >= 0x30 && c <= 0x39 }
        switch Unicode.Scalar(c)!.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}
