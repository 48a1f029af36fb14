import MTText

/// A word alignment in Pharaoh form: links `s-t` between 0-based word positions of the source
/// line and of the output line, words being what the lines' spaces separate. A word is one or
/// more subwords: a token glued to the one before it (BPE pieces, split-off punctuation)
/// belongs to that one's word.
public struct WordAlignment: Equatable, Sendable {
    public struct Link: Equatable, Hashable, Sendable {
        public var source: Int
        public var target: Int
    }
    /// Ordered by target word, then source word; no link twice.
    public var links: [Link]

    /// The links of each target subword to the source subword it attends to most
    /// (`positions[t]`, from the search), taken to words. Every target word gets at least one.
    public init(sourceTokens: [String], targetTokens: [String], positions: [Int]) {
        let sourceWords = Self.wordIndices(sourceTokens), targetWords = Self.wordIndices(targetTokens)
        var seen = Set<Link>(), links: [Link] = []
        for (t, word) in targetWords.enumerated() {
            let s = t < positions.count ? Swift.min(Swift.max(positions[t], 0), sourceWords.count - 1) : 0
            guard !sourceWords.isEmpty else { break }
            let link = Link(source: sourceWords[s], target: word)
            if seen.insert(link).inserted { links.append(link) }
        }
        self.links = links.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
    }

    /// The word of each subword in text form (glued ones carry the joiner).
    static func wordIndices(_ tokens: [String]) -> [Int] {
        var word = -1
        return tokens.map { text in
            if word < 0 || !Token(textForm: text).glued { word += 1 }
            return word
        }
    }

    /// `0-0 1-2 …`.
    public var pharaoh: String {
        links.map { "\($0.source)-\($0.target)" }.joined(separator: " ")
    }
}
