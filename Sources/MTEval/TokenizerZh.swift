/// sacreBLEU's `TokenizerZh`: the stripped line with every "Chinese" character set off by
/// spaces, then `TokenizerRegexp` (no padding, no entity handling, unlike 13a).
enum TokenizerZh {
    static func tokenize(_ line: CodePoints) -> CodePoints {
        let stripped = PythonText.strip(line)
        var out = CodePoints()
        out.reserveCapacity(stripped.count * 3)
        for c in stripped {
            if isChinese(c) {
                out.append(0x20); out.append(c); out.append(0x20)
            } else {
                out.append(c)
            }
        }
        return TokenizerRegexp.tokenize(out)
    }

    /// sacreBLEU's `_UCODE_RANGES`. Two of its entries are written `u'\u20000'` and
    /// `u'\u2f800'`, which Python reads as a 4-digit escape plus a digit; compared as
    /// strings they admit U+2001...U+2A6D and U+2F81...U+2FA1 (general punctuation such
    /// as “ ” — … included) instead of the intended supplementary-plane blocks. We
    /// reproduce what sacreBLEU does, not what it meant.
    static func isChinese(_ c: UInt32) -> Bool {
        if c < 0x2001 { return false }
        switch c {
        case 0x3400...0x4DB5, 0x4E00...0x9FA5, 0x9FA6...0x9FBB, 0xF900...0xFA2D, 0xFA30...0xFA6A,
            0xFA70...0xFAD9, 0x2001...0x2A6D, 0x2F81...0x2FA1, 0xFF00...0xFFEF, 0x2E80...0x2EFF,
            0x3000...0x303F, 0x31C0...0x31EF, 0x2F00...0x2FDF, 0x2FF0...0x2FFF, 0x3100...0x312F,
            0x31A0...0x31BF, 0xFE10...0xFE1F, 0xFE30...0xFE4F, 0x2600...0x26FF, 0x2700...0x27BF,
            0x3200...0x32FF, 0x3300...0x33FF:
            return true
        default:
            return false
        }
    }
}
