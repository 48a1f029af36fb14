/// Applies BPE codes to tokens, with a cache of segmented words (this is a hot
/// path when translating). Not thread-safe: one per thread.
public final class BPE {
    public let codes: BPECodes
    /// Symbol strings by id; the end of a word is marked internally with "\0"
    /// (control characters never reach tokens).
    private var symbolIDs: [ByteString: Int32] = [:]
    private var symbolText: [String] = []
    /// (left, right) -> rank; the merged symbol is `mergedID[rank]`.
    private var ranks: [UInt64: Int32] = [:]
    private var mergedID: [Int32] = []
    private var cache: [ByteString: [String]] = [:]
    private let cacheLimit = 1 << 20

    public init(codes: BPECodes) {
        self.codes = codes
        ranks.reserveCapacity(codes.merges.count)
        for (rank, m) in codes.merges.enumerated() {
            let l = intern(BPE.internal(m.left)), r = intern(BPE.internal(m.right))
            let merged = intern(BPE.internal(m.left) + BPE.internal(m.right))
            let key = BPE.pairKey(l, r)
            if ranks[key] == nil { ranks[key] = Int32(rank) }
            mergedID.append(merged)
        }
    }

    public var isEmpty: Bool { codes.merges.isEmpty }

    /// Splits each token into subwords; every subword after the first is glued.
    public func apply(_ tokens: [Token]) -> [Token] {
        if isEmpty { return tokens }
        var out: [Token] = []
        out.reserveCapacity(tokens.count * 2)
        for t in tokens {
            let pieces = segment(t.text)
            for (i, p) in pieces.enumerated() { out.append(Token(p, glued: i == 0 ? t.glued : true)) }
        }
        return out
    }

    /// The subwords of one word (a token's text).
    public func segment(_ word: String) -> [String] {
        if isEmpty { return [word] }
        let key = ByteString(word)
        if let hit = cache[key] { return hit }
        let pieces = computeSegments(word)
        if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = pieces
        return pieces
    }

    /// Merges the lowest-ranked adjacent pair first (the leftmost among equals), as
    /// subword-nmt does, with a heap over a linked list so that even a 100 kB
    /// token costs O(n log n).
    private func computeSegments(_ word: String) -> [String] {
        let chars = word.map { String($0) }
        let n = chars.count
        if n <= 1 { return chars }
        var sym = [Int32](repeating: -1, count: n)
        for i in 0..<n {
            let k = i == n - 1 ? chars[i] + "\0" : chars[i]
            sym[i] = symbolIDs[ByteString(k)] ?? -1
        }
        var next = Array(1...n)            // n means none
        var prev = Array(-1..<(n - 1))     // -1 means none
        var alive = [Bool](repeating: true, count: n)
        var heap = MinHeap()
        func rank(_ i: Int) -> Int32? {
            let j = next[i]
            guard j < n, sym[i] >= 0, sym[j] >= 0 else { return nil }
            return ranks[BPE.pairKey(sym[i], sym[j])]
        }
        for i in 0..<(n - 1) { if let r = rank(i) { heap.push(r, Int32(i)) } }
        var mergedAny = false
        while let (r, p) = heap.pop() {
            let i = Int(p)
            guard alive[i], let current = rank(i), current == r else { continue }
            let j = next[i]
            sym[i] = mergedID[Int(r)]
            alive[j] = false
            next[i] = next[j]
            if next[j] < n { prev[next[j]] = i }
            mergedAny = true
            if prev[i] >= 0, let rl = rank(prev[i]) { heap.push(rl, Int32(prev[i])) }
            if let rr = rank(i) { heap.push(rr, Int32(i)) }
        }
        if !mergedAny { return chars }
        var pieces: [String] = []
        var i = 0
        while i < n {
            var piece = chars[i]
            var k = i + 1
            while k < next[i] { piece += chars[k]; k += 1 }
            pieces.append(piece)
            i = next[i]
        }
        return pieces
    }

    private func intern(_ s: String) -> Int32 {
        let key = ByteString(s)
        if let id = symbolIDs[key] { return id }
        let id = Int32(symbolText.count)
        symbolIDs[key] = id
        symbolText.append(s)
        return id
    }

    /// File form (`x</w>`) to internal form (`x\0`).
    static func `internal`(_ symbol: String) -> String {
        symbol.hasSuffixBytes(BPECodes.endOfWord)
            ? String(decoding: symbol.utf8.dropLast(BPECodes.endOfWord.utf8.count), as: UTF8.self) + "\0"
            : symbol
    }

    @inline(__always)
    static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }
}

/// A binary min-heap of (rank, position), ordered by rank then position.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func push(_ rank: Int32, _ position: Int32) {
        items.append(UInt64(UInt32(rank)) << 32 | UInt64(UInt32(position)))
        var c = items.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            if items[p] <= items[c] { break }
            items.swapAt(p, c)
            c = p
        }
    }

    mutating func pop() -> (Int32, Int32)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < items.count && items[l] < items[m] { m = l }
                if r < items.count && items[r] < items[m] { m = r }
                if m == p { break }
                items.swapAt(p, m)
                p = m
            }
        }
        return (Int32(top >> 32), Int32(truncatingIfNeeded: top & 0xFFFF_FFFF))
    }
}
