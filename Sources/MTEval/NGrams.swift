/// An n-gram packed into 128 bits, so counting hashes two words instead of a string.
/// Word n-grams hold up to four 32-bit token ids (ids start at 1, so orders never
/// collide); character n-grams hold up to six 21-bit code points (one order per table).
struct NGramKey: Hashable {
    var lo: UInt64 = 0
    var hi: UInt64 = 0

    @inline(__always)
    static func words(_ ids: ArraySlice<UInt32>) -> NGramKey {
        var key = NGramKey()
        for (k, id) in ids.enumerated() {
            if k < 2 { key.lo |= UInt64(id) << (32 * UInt64(k)) } else { key.hi |= UInt64(id) << (32 * UInt64(k - 2)) }
        }
        return key
    }

    @inline(__always)
    static func chars(_ cps: ArraySlice<UInt32>) -> NGramKey {
        var key = NGramKey()
        for (k, c) in cps.enumerated() {
            if k < 3 { key.lo |= UInt64(c) << (21 * UInt64(k)) } else { key.hi |= UInt64(c) << (21 * UInt64(k - 3)) }
        }
        return key
    }
}

typealias NGramCounts = [NGramKey: Int]

/// Maps tokens to small integer ids for the duration of one scoring call.
struct TokenVocabulary {
    private var ids: [ArraySlice<UInt32>: UInt32] = [:]

    mutating func id(_ token: ArraySlice<UInt32>) -> UInt32 {
        if let id = ids[token] { return id }
        let id = UInt32(ids.count + 1)
        ids[token] = id
        return id
    }

    mutating func ids(_ tokens: [ArraySlice<UInt32>]) -> [UInt32] {
        tokens.map { id($0) }
    }
}

enum NGrams {
    /// All word n-grams of orders 1...maxOrder (sacreBLEU's `extract_all_word_ngrams`).
    static func words(_ ids: [UInt32], maxOrder: Int) -> NGramCounts {
        var counts = NGramCounts(minimumCapacity: ids.count * maxOrder)
        for n in 1...maxOrder where n <= ids.count {
            for i in 0...(ids.count - n) { counts[.words(ids[i..<(i + n)]), default: 0] += 1 }
        }
        return counts
    }

    /// Word n-grams of exactly one order (sacreBLEU's `extract_word_ngrams`).
    static func words(_ ids: [UInt32], order n: Int) -> NGramCounts {
        var counts = NGramCounts()
        if n <= ids.count {
            for i in 0...(ids.count - n) { counts[.words(ids[i..<(i + n)]), default: 0] += 1 }
        }
        return counts
    }

    /// Character n-grams of one order over code points (sacreBLEU's `extract_char_ngrams`).
    static func chars(_ cps: CodePoints, order n: Int) -> NGramCounts {
        var counts = NGramCounts()
        if n <= cps.count {
            counts.reserveCapacity(cps.count - n + 1)
            for i in 0...(cps.count - n) { counts[.chars(cps[i..<(i + n)]), default: 0] += 1 }
        }
        return counts
    }
}
