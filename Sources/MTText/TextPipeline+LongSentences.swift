extension TextPipeline {
    /// A source sentence longer than `maxSubwords` subwords as pieces that each fit, cut at
    /// clause boundaries where it can: after the last clause mark (, ; : — and their
    /// full-width forms) that leaves a piece within the limit, else before the last word
    /// that does, else between any two tokens (text without spaces), and inside a word only
    /// when that word alone is too long. The pieces are the normalised sentence's own text:
    /// separated by a space, or by nothing where they were glued. Nil when it fits.
    public func pieces(of sentence: String, maxSubwords: Int) -> SentenceSegments? {
        precondition(maxSubwords > 0)
        // Every subword holds at least one character of the normalised sentence: most
        // sentences fit without being tokenised here as well as for the search.
        if normalize(sentence).unicodeScalars.count <= maxSubwords { return nil }
        let words = wordTokens(sentence)
        let counts = words.map { subwords(of: [$0], side: .source).count }
        guard counts.reduce(0, +) > maxSubwords else { return nil }
        var pieces: [String] = [], separators: [String] = [""]
        func add(_ piece: String, glued: Bool) {
            if !pieces.isEmpty { separators.append(glued ? "" : " ") }
            pieces.append(piece)
        }
        var start = 0
        while start < words.count {
            // The longest run of whole words from `start` within the limit.
            var end = start, total = 0
            while end < words.count && total + counts[end] <= maxSubwords {
                total += counts[end]
                end += 1
            }
            if end == start {
                // One word alone is too long: halves, until each fits.
                for (k, part) in splitWord(words[start].text, maxSubwords: maxSubwords).enumerated() {
                    add(part, glued: k > 0 || words[start].glued)
                }
                start += 1
                continue
            }
            if end < words.count {
                let clause = (start + 1..<end).last { Self.isClauseMark(words[$0 - 1].text) && !words[$0].glued }
                    ?? (start + 1..<end).last { Self.isClauseMark(words[$0 - 1].text) }
                let word = (start + 1..<end).last { !words[$0].glued }
                end = clause ?? word ?? end
            }
            add(Array(words[start..<end]).detokenized, glued: words[start].glued)
            start = end
        }
        separators.append("")
        return SentenceSegments(sentences: pieces, separators: separators)
    }

    /// A word cut in halves (at grapheme boundaries) until each half fits.
    private func splitWord(_ word: String, maxSubwords: Int) -> [String] {
        let characters = Array(word)
        if characters.count < 2 || subwords(of: [Token(word)], side: .source).count <= maxSubwords { return [word] }
        let half = characters.count / 2
        return splitWord(String(characters[..<half]), maxSubwords: maxSubwords)
            + splitWord(String(characters[half...]), maxSubwords: maxSubwords)
    }

    static func isClauseMark(_ token: String) -> Bool {
        ["," , ";", ":", "—", "–", "，", "；", "：", "、", ")", "）"].contains(token)
    }
}
