/// Line normalisation, the same for every line on both sides, in training and
/// translation: C0/C1 control characters removed (those that are white space,
/// such as tab, become a space), ICU NFKC, every run of Unicode White_Space
/// collapsed to one U+0020, leading and trailing space trimmed.
///
/// Controls go first so that removing one cannot leave a sequence NFKC would
/// have composed; collapsing comes after NFKC because NFKC turns several
/// characters (U+00A0, U+2000...) into U+0020.
public enum Normalizer {
    public static func normalize(_ line: String) -> String {
        String(decoding: normalizedUTF16(line), as: UTF16.self)
    }

    /// The normalised line in UTF-16, as the tokenizer consumes it.
    static func normalizedUTF16(_ line: String) -> [UInt16] {
        var units: [UInt16] = []
        units.reserveCapacity(line.utf8.count)
        var onlyASCII = true
        for u in line.utf16 {
            if u < 0x20 || (u >= 0x7F && u <= 0x9F) {
                if isWhiteSpace(u) { units.append(0x20) }
                continue
            }
            if u >= 0x80 { onlyASCII = false }
            units.append(u)
        }
        // NFKC leaves printable ASCII unchanged; skipping ICU there is the common case.
        if !onlyASCII {
            // Only an ICU internal failure can throw here; keeping the text as it is then is the least harm.
            units = (try? ICU.nfkc(units)) ?? units
        }
        return collapseWhiteSpace(units)
    }

    /// Collapses runs of White_Space into one U+0020 and trims both ends, in place.
    static func collapseWhiteSpace(_ units: [UInt16]) -> [UInt16] {
        var out = units
        var n = 0
        var pendingSpace = false
        for u in units {
            if isWhiteSpace(u) {
                pendingSpace = n > 0
            } else {
                if pendingSpace { out[n] = 0x20; n += 1; pendingSpace = false }
                out[n] = u
                n += 1
            }
        }
        out.removeSubrange(n...)
        return out
    }

    /// Unicode White_Space, of a scalar.
    @inline(__always)
    static func isWhiteSpace(_ s: Unicode.Scalar) -> Bool {
        s.value <= 0xFFFF && isWhiteSpace(UInt16(s.value))
    }

    /// Unicode White_Space (all in the BMP, so one UTF-16 unit each).
    @inline(__always)
    static func isWhiteSpace(_ u: UInt16) -> Bool {
        switch u {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
