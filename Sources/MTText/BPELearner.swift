/// Learns BPE merges from word counts.
///
/// Pair counts are kept up to date incrementally: each merge visits only the
/// words that contain the merged pair (found through an index from pairs to
/// words), and a max-heap with lazy deletion finds the next best pair.
public enum BPELearner {
    /// Learns at most `merges` operations; stops early when no pair occurs twice.
    /// Ties go to the pair whose symbols appeared first in the data.
    public static func learn(_ words: WordCounts, merges: Int) -> BPECodes {
        guard merges > 0 else { return BPECodes() }
        var symbolIDs: [ByteString: Int32] = [:]
        var symbolText: [String] = []
        func intern(_ s: String) -> Int32 {
            let key = ByteString(s)
            if let id = symbolIDs[key] { return id }
            let id = Int32(symbolText.count)
            symbolIDs[key] = id
            symbolText.append(s)
            return id
        }

        var seqs: [[Int32]] = []
        var freqs: [Int] = []
        seqs.reserveCapacity(words.count)
        for (w, c) in zip(words.words, words.counts) {
            let chars = w.map { String($0) }
            guard chars.count > 1 else { continue }  // nothing to merge in one character
            var s: [Int32] = []
            s.reserveCapacity(chars.count)
            for (i, ch) in chars.enumerated() { s.append(intern(i == chars.count - 1 ? ch + "\0" : ch)) }
            seqs.append(s)
            freqs.append(c)
        }

        var pairCounts: [UInt64: Int] = [:]
        var pairWords: [UInt64: [Int32]] = [:]
        for (wi, s) in seqs.enumerated() {
            for k in 0..<(s.count - 1) {
                let key = BPE.pairKey(s[k], s[k + 1])
                pairCounts[key, default: 0] += freqs[wi]
                pairWords[key, default: []].append(Int32(wi))
            }
        }
        var heap = MaxPairHeap()
        for (key, c) in pairCounts { heap.push(count: c, key: key) }

        var result: [BPECodes.Merge] = []
        result.reserveCapacity(merges)
        var visited = [Int](repeating: -1, count: seqs.count)
        var changed: [UInt64: Int] = [:]

        while result.count < merges, let (count, key) = heap.pop() {
            guard pairCounts[key] == count else { continue }  // stale entry
            if count < 2 { break }
            let a = Int32(truncatingIfNeeded: key >> 32), b = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)
            let merged = intern(symbolText[Int(a)] + symbolText[Int(b)])
            result.append(BPECodes.Merge(fileForm(symbolText[Int(a)]), fileForm(symbolText[Int(b)])))
            changed.removeAll(keepingCapacity: true)
            let stamp = result.count
            for wi32 in pairWords[key] ?? [] {
                let wi = Int(wi32)
                if visited[wi] == stamp { continue }
                visited[wi] = stamp
                let old = seqs[wi]
                var new: [Int32] = []
                new.reserveCapacity(old.count)
                var k = 0
                var found = false
                while k < old.count {
                    if k + 1 < old.count && old[k] == a && old[k + 1] == b {
                        new.append(merged); k += 2; found = true
                    } else {
                        new.append(old[k]); k += 1
                    }
                }
                guard found else { continue }
                let f = freqs[wi]
                for k in 0..<(old.count - 1) {
                    let p = BPE.pairKey(old[k], old[k + 1])
                    let c = pairCounts[p]! - f
                    pairCounts[p] = c
                    changed[p] = c
                }
                for k in 0..<max(0, new.count - 1) {
                    let p = BPE.pairKey(new[k], new[k + 1])
                    let c = pairCounts[p, default: 0] + f
                    pairCounts[p] = c
                    changed[p] = c
                    if new[k] == merged || new[k + 1] == merged { pairWords[p, default: []].append(wi32) }
                }
                seqs[wi] = new
            }
            pairWords[key] = nil
            for (p, c) in changed where c > 0 { heap.push(count: c, key: p) }
            for (p, c) in changed where c == 0 { pairCounts[p] = nil }
        }
        return BPECodes(merges: result)
    }

    private static func fileForm(_ s: String) -> String {
        s.utf8.last == 0 ? String(decoding: s.utf8.dropLast(), as: UTF8.self) + BPECodes.endOfWord : s
    }
}

/// A max-heap of (count, pair key); among equal counts the smaller key wins,
/// i.e. the pair whose symbols were seen first.
struct MaxPairHeap {
    private var counts: [Int] = []
    private var keys: [UInt64] = []

    @inline(__always)
    private func above(_ i: Int, _ j: Int) -> Bool {
        counts[i] > counts[j] || (counts[i] == counts[j] && keys[i] < keys[j])
    }

    private mutating func swap(_ i: Int, _ j: Int) {
        counts.swapAt(i, j)
        keys.swapAt(i, j)
    }

    mutating func push(count: Int, key: UInt64) {
        counts.append(count)
        keys.append(key)
        var c = counts.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            if !above(c, p) { break }
            swap(p, c)
            c = p
        }
    }

    mutating func pop() -> (Int, UInt64)? {
        guard !counts.isEmpty else { return nil }
        let top = (counts[0], keys[0])
        let lastCount = counts.removeLast(), lastKey = keys.removeLast()
        if !counts.isEmpty {
            counts[0] = lastCount
            keys[0] = lastKey
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < counts.count && above(l, m) { m = l }
                if r < counts.count && above(r, m) { m = r }
                if m == p { break }
                swap(p, m)
                p = m
            }
        }
        return top
    }
}
