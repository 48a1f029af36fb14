/// sacreBLEU's `Tokenizer13a` (mteval-v13a): a few escapes undone, then `TokenizerRegexp`
/// on the line padded with one space each side (which is why a final "2019." splits).
enum Tokenizer13a {
    private static let skipped = PythonText.codePoints("<skipped>")
    // Applied in this order, each on the result of the previous one, like the chained
    // `str.replace` calls in sacreBLEU ("&amp;lt;" therefore ends up as "<").
    private static let entities: [(CodePoints, CodePoints)] = [
        ("&quot;", "\""), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"),
    ].map { (PythonText.codePoints($0.0), PythonText.codePoints($0.1)) }

    static func tokenize(_ input: CodePoints) -> CodePoints {
        var line = replaceAll(input, skipped, [])
        line = replaceAll(line, [0x2D, 0x0A], [])
        line = replaceAll(line, [0x0A], [0x20])
        if line.contains(0x26) {
            for (from, to) in entities { line = replaceAll(line, from, to) }
        }
        var padded = CodePoints()
        padded.reserveCapacity(line.count + 2)
        padded.append(0x20)
        padded.append(contentsOf: line)
        padded.append(0x20)
        return TokenizerRegexp.tokenize(padded)
    }

    /// Python's `str.replace(old, new)`: all non-overlapping occurrences, left to right.
    static func replaceAll(_ s: CodePoints, _ old: CodePoints, _ new: CodePoints) -> CodePoints {
        guard let first = old.first, s.count >= old.count, s.contains(first) else { return s }
        var out = CodePoints()
        out.reserveCapacity(s.count)
        var i = 0
        let n = s.count, m = old.count
        outer: while i < n {
            if s[i] == first && i + m <= n {
                var k = 1
                while k < m && s[i + k] == old[k] { k += 1 }
                if k == m {
                    out.append(contentsOf: new)
                    i += m
                    continue outer
                }
            }
            out.append(s[i])
            i += 1
        }
        return out
    }
}
