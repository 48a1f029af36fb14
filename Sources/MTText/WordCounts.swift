/// Word (token text) frequencies in first-seen order, so that everything built
/// from them is deterministic whatever the hash seed.
public struct WordCounts {
    private var index: [ByteString: Int] = [:]
    public private(set) var words: [String] = []
    public private(set) var counts: [Int] = []

    public init() {}

    public mutating func add(_ word: String, count: Int = 1) {
        let key = ByteString(word)
        if let i = index[key] {
            counts[i] += count
        } else {
            index[key] = words.count
            words.append(word)
            counts.append(count)
        }
    }

    public mutating func add(_ tokens: [Token]) {
        for t in tokens { add(t.text) }
    }

    public mutating func add(_ other: WordCounts) {
        for (w, c) in zip(other.words, other.counts) { add(w, count: c) }
    }

    public var count: Int { words.count }
}
