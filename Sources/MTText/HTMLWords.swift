/// The words of an HTML unit and of its translation, as a word alignment counts them: maximal
/// runs of characters that are not Unicode White_Space. No tokenizer is involved, so the
/// alignment's indices mean the same on both sides whatever model produced them.
enum HTMLWords {
    /// Unicode White_Space, the same set the normaliser collapses.
    @inline(__always)
    static func isWhiteSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The words of `scalars` as index ranges, in order.
    static func ranges(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var start: Int?
        for (i, s) in scalars.enumerated() {
            if isWhiteSpace(s) {
                if let a = start { words.append(a..<i); start = nil }
            } else if start == nil {
                start = i
            }
        }
        if let a = start { words.append(a..<scalars.count) }
        return words
    }
}
