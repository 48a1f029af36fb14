import MTText

extension WordAlignment {
    public init(links: [Link]) {
        self.links = links.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
    }
}

extension Translation {
    /// The translation of a text from those of its sentences (`parts[i]` translates
    /// `segments.sentences[i]`): each output joins the sentences' outputs of the same rank
    /// (the last one repeated where a sentence has fewer) with `segments`' separators, its
    /// score and log-probability are the sums, its subwords and token scores follow one
    /// another, and the attention and word alignment point at positions in the whole text:
    /// attention rows over all the source subwords, zero outside the row's own sentence.
    /// A sentence with no source subwords (nothing left after normalisation) is not
    /// translated: its text is kept as it is.
    static func joining(_ parts: [Translation], segments: SentenceSegments, index: Int) -> Translation {
        precondition(parts.count == segments.sentences.count)
        if parts.count == 1, segments.separators.allSatisfy(\.isEmpty), !parts[0].sourceTokens.isEmpty {
            var t = parts[0]
            t.index = index
            return t
        }
        let sourceTokens = parts.flatMap(\.sourceTokens)
        let kept = parts.map { $0.sourceTokens.isEmpty || $0.outputs.isEmpty }
        let ranks = Swift.max(1, parts.map(\.outputs.count).max() ?? 0)
        var outputs: [Output] = []
        for rank in 0..<ranks {
            let chosen: [Output?] = parts.enumerated().map { i, p in
                kept[i] ? nil : p.outputs[Swift.min(rank, p.outputs.count - 1)]
            }
            let texts = chosen.enumerated().map { i, o in o?.text ?? segments.sentences[i] }
            var joined = Output(text: segments.joined(texts), targetTokens: [], score: 0, attention: nil)
            var attention: [[Double]] = [], tokenScores: [Double] = []
            var hasAttention = false, hasTokenScores = false, hasAlignment = false
            var links: [WordAlignment.Link] = []
            var sourceOffset = 0
            // Word positions in the whole source and output: a sentence's words come after
            // those before it, sharing one where the separator is empty (text without spaces).
            var sourceWords = 0, targetWords = 0
            let separators = segments.separators(for: texts)
            for (i, o) in chosen.enumerated() {
                let sentenceSourceWords = kept[i] ? Self.wordCount(segments.sentences[i])
                    : (WordAlignment.wordIndices(parts[i].sourceTokens).last ?? -1) + 1
                let sentenceTargetWords = o.map { Self.wordCount($0.text) } ?? sentenceSourceWords
                let sourceGlued = i > 0 && segments.separators[i].isEmpty && sourceWords > 0
                let targetGlued = i > 0 && separators[i].isEmpty && targetWords > 0
                let s0 = sourceWords - (sourceGlued ? 1 : 0), t0 = targetWords - (targetGlued ? 1 : 0)
                if let o {
                    joined.targetTokens += o.targetTokens
                    joined.score += o.score
                    joined.logProbability += o.logProbability
                    joined.length += o.length
                    if let rows = o.attention {
                        hasAttention = true
                        let width = parts[i].sourceTokens.count
                        for row in rows {
                            var padded = [Double](repeating: 0, count: sourceTokens.count)
                            for (k, w) in row.prefix(width).enumerated() { padded[sourceOffset + k] = w }
                            attention.append(padded)
                        }
                    }
                    if let scores = o.tokenLogProbabilities { hasTokenScores = true; tokenScores += scores }
                    if let a = o.alignment {
                        hasAlignment = true
                        links += a.links.map { WordAlignment.Link(source: s0 + $0.source, target: t0 + $0.target) }
                    }
                } else {
                    // Kept text: each of its words is its own translation.
                    links += (0..<sentenceSourceWords).map { WordAlignment.Link(source: s0 + $0, target: t0 + $0) }
                }
                sourceOffset += parts[i].sourceTokens.count
                sourceWords = s0 + sentenceSourceWords
                targetWords = t0 + sentenceTargetWords
            }
            if hasAttention { joined.attention = attention }
            if hasTokenScores { joined.tokenLogProbabilities = tokenScores }
            if hasAlignment { joined.alignment = WordAlignment(links: Array(Set(links))) }
            outputs.append(joined)
        }
        return Translation(index: index, sourceTokens: sourceTokens, outputs: outputs)
    }

    /// Words as the alignments count them: runs of characters between white space.
    static func wordCount(_ text: String) -> Int {
        var count = 0, inWord = false
        for s in text.unicodeScalars {
            let space = s.properties.isWhitespace
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }
}
