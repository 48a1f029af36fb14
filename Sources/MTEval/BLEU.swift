#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Corpus BLEU exactly as sacreBLEU 2.x computes it (n-gram order 4, closest reference
/// length, clipped counts against the per-n-gram maximum over references).
public struct BLEU: Sendable {
    /// Smoothing of zero n-gram matches (Chen & Cherry 2014), sacreBLEU's names.
    public enum Smoothing: String, CaseIterable, Sendable {
        case none, floor
        case addK = "add-k"
        case exp

        /// sacreBLEU's `SMOOTH_DEFAULTS`; `nil` for methods without a value.
        public var defaultValue: Double? {
            switch self {
            case .floor: return 0.1
            case .addK: return 1
            case .none, .exp: return nil
            }
        }
    }

    public static let maxNGramOrder = 4

    public var tokenizer: BLEUTokenizer
    public var lowercase: Bool
    public var smoothing: Smoothing
    /// For `.floor` and `.addK`; `nil` uses the method's default.
    public var smoothValue: Double?
    /// Leave out orders with no hypothesis n-grams (sentence-level BLEU); off for corpora.
    public var effectiveOrder: Bool

    public init(tokenizer: BLEUTokenizer = .thirteenA, lowercase: Bool = false, smoothing: Smoothing = .exp,
                smoothValue: Double? = nil, effectiveOrder: Bool = false) {
        self.tokenizer = tokenizer
        self.lowercase = lowercase
        self.smoothing = smoothing
        self.smoothValue = smoothValue
        self.effectiveOrder = effectiveOrder
    }

    /// `references[k][i]` is the k-th reference of sentence i (sacreBLEU's reference streams).
    /// Every stream must have as many lines as `hypotheses`.
    public func corpusScore(hypotheses: [String], references: [[String]]) -> BLEUScore {
        precondition(references.allSatisfy { $0.count == hypotheses.count },
                     "BLEU: every reference stream needs one line per hypothesis")
        var vocabulary = TokenVocabulary()
        let order = Self.maxNGramOrder
        var stats = [Int](repeating: 0, count: 2 + 2 * order)
        for i in hypotheses.indices {
            var refMax = NGramCounts()
            var refLens: [Int] = []
            for stream in references {
                let ids = vocabulary.ids(tokens(stream[i]))
                refLens.append(ids.count)
                let counts = NGrams.words(ids, maxOrder: order)
                if refMax.isEmpty {
                    refMax = counts
                } else {
                    for (ngram, count) in counts where count > refMax[ngram, default: 0] { refMax[ngram] = count }
                }
            }
            let hypIds = vocabulary.ids(tokens(hypotheses[i]))
            stats[0] += hypIds.count
            stats[1] += Self.closestRefLen(hypIds.count, refLens)
            for (ngram, count) in NGrams.words(hypIds, maxOrder: order) {
                let n = ngram.order - 1
                stats[2 + order + n] += count
                if let refCount = refMax[ngram] { stats[2 + n] += min(count, refCount) }
            }
        }
        return score(correct: Array(stats[2..<(2 + order)]), total: Array(stats[(2 + order)...]),
                     sysLen: stats[0], refLen: stats[1])
    }

    /// One sentence against its references (sacreBLEU's `sentence_score`; consider
    /// `effectiveOrder: true` there).
    public func sentenceScore(hypothesis: String, references: [String]) -> BLEUScore {
        corpusScore(hypotheses: [hypothesis], references: references.map { [$0] })
    }

    /// The signature for a run with `numRefs` reference streams.
    public func signature(numRefs: Int) -> Signature {
        var smooth = smoothing.rawValue
        if let def = smoothing.defaultValue {
            smooth += "[\(PythonFormat.fixed(smoothValue ?? def, digits: 2))]"
        }
        return Signature(numRefs: numRefs, [
            .init(key: "case", shortKey: "c", value: lowercase ? "lc" : "mixed"),
            .init(key: "eff", shortKey: "e", value: effectiveOrder ? "yes" : "no"),
            .init(key: "tok", shortKey: "tok", value: tokenizer.signature),
            .init(key: "smooth", shortKey: "s", value: smooth),
        ])
    }

    /// sacreBLEU's `_preprocess_segment` followed by whitespace splitting.
    func tokens(_ line: String) -> [ArraySlice<UInt32>] {
        var cps = PythonText.codePoints(line)
        if lowercase { cps = PythonText.lower(cps) }
        return tokenizer.tokens(PythonText.rstrip(cps))
    }

    /// The shortest reference length closest to the hypothesis length.
    static func closestRefLen(_ hypLen: Int, _ refLens: [Int]) -> Int {
        var bestDiff = -1, bestLen = -1
        for len in refLens {
            let diff = abs(hypLen - len)
            if bestDiff == -1 || diff < bestDiff {
                bestDiff = diff
                bestLen = len
            } else if diff == bestDiff && len < bestLen {
                bestLen = len
            }
        }
        return bestLen
    }

    /// sacreBLEU's `compute_bleu`, operation for operation, so rounding matches.
    public func score(correct: [Int], total: [Int], sysLen: Int, refLen: Int) -> BLEUScore {
        let order = correct.count
        var correct = correct.map(Double.init)
        var total = total.map(Double.init)
        let value = smoothValue ?? smoothing.defaultValue ?? 0

        var bp = 1.0
        if sysLen < refLen { bp = sysLen > 0 ? Glibc_exp(1 - Double(refLen) / Double(sysLen)) : 0.0 }

        var precisions = [Double](repeating: 0, count: order)
        if correct.allSatisfy({ $0 == 0 }) {
            return BLEUScore(score: 0, counts: correct, totals: total, precisions: precisions, bp: bp,
                             sysLen: sysLen, refLen: refLen)
        }
        var smoothMteval = 1.0
        var effOrder = order
        for n in 1...order {
            if smoothing == .addK && n > 1 {
                correct[n - 1] += value
                total[n - 1] += value
            }
            if total[n - 1] == 0 { break }
            if effectiveOrder { effOrder = n }
            if correct[n - 1] == 0 {
                if smoothing == .exp {
                    smoothMteval *= 2
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1])
                } else if smoothing == .floor {
                    precisions[n - 1] = 100.0 * value / total[n - 1]
                }
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1]
            }
        }
        var logSum = 0.0
        for p in precisions[..<effOrder] { logSum += p == 0 ? -9999999999 : Glibc_log(p) }
        let score = bp * Glibc_exp(logSum / Double(effOrder))
        return BLEUScore(score: score, counts: correct, totals: total, precisions: precisions, bp: bp,
                         sysLen: sysLen, refLen: refLen)
    }
}

// The C library's exp and log, which CPython's math module also calls.
@inline(__always) func Glibc_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func Glibc_log(_ x: Double) -> Double { log(x) }

extension NGramKey {
    /// Number of words in a word n-gram key (ids are never 0).
    var order: Int {
        if hi != 0 { return hi >> 32 != 0 ? 4 : 3 }
        return lo >> 32 != 0 ? 2 : 1
    }
}
