/// chrF and chrF++ exactly as sacreBLEU 2.x computes them: character n-grams on the
/// line with all whitespace removed, optional word n-grams (chrF++ uses 2), statistics
/// summed over the corpus, and the reference with the best sentence F-score chosen
/// per segment.
public struct CHRF: Sendable {
    public var charOrder: Int
    /// 0 for chrF, 2 for chrF++.
    public var wordOrder: Int
    public var beta: Int
    public var lowercase: Bool
    /// Keep whitespace inside character n-grams (sacreBLEU's `--chrf-whitespace`).
    public var whitespace: Bool
    /// chrF++.py-style epsilon smoothing instead of sacreBLEU's effective order.
    public var epsSmoothing: Bool

    public init(charOrder: Int = 6, wordOrder: Int = 0, beta: Int = 2, lowercase: Bool = false,
                whitespace: Bool = false, epsSmoothing: Bool = false) {
        precondition(charOrder >= 1 && charOrder <= 6, "chrF: character order must be 1...6")
        precondition(wordOrder >= 0 && wordOrder <= 4, "chrF: word order must be 0...4")
        self.charOrder = charOrder
        self.wordOrder = wordOrder
        self.beta = beta
        self.lowercase = lowercase
        self.whitespace = whitespace
        self.epsSmoothing = epsSmoothing
    }

    /// `references[k][i]` is the k-th reference of sentence i.
    public func corpusScore(hypotheses: [String], references: [[String]]) -> CHRFScore {
        precondition(references.allSatisfy { $0.count == hypotheses.count },
                     "chrF: every reference stream needs one line per hypothesis")
        var vocabulary = TokenVocabulary()
        var totals = [Int](repeating: 0, count: 3 * (charOrder + wordOrder))
        for i in hypotheses.indices {
            let hyp = ngrams(hypotheses[i], &vocabulary)
            var best: [Int] = []
            var bestF = -1.0
            for stream in references {
                let ref = ngrams(stream[i], &vocabulary)
                var stats: [Int] = []
                stats.reserveCapacity(totals.count)
                for (h, r) in zip(hyp, ref) { Self.appendMatchStatistics(h, r, to: &stats) }
                let f = fScore(stats)
                if f > bestF {
                    bestF = f
                    best = stats
                }
            }
            for k in best.indices { totals[k] += best[k] }
        }
        return CHRFScore(score: fScore(totals), charOrder: charOrder, wordOrder: wordOrder, beta: beta)
    }

    public func sentenceScore(hypothesis: String, references: [String]) -> CHRFScore {
        corpusScore(hypotheses: [hypothesis], references: references.map { [$0] })
    }

    public func signature(numRefs: Int) -> Signature {
        Signature(numRefs: numRefs, [
            .init(key: "case", shortKey: "c", value: lowercase ? "lc" : "mixed"),
            .init(key: "eff", shortKey: "e", value: epsSmoothing ? "no" : "yes"),
            .init(key: "nc", shortKey: "nc", value: String(charOrder)),
            .init(key: "nw", shortKey: "nw", value: String(wordOrder)),
            .init(key: "space", shortKey: "s", value: whitespace ? "yes" : "no"),
        ])
    }

    /// Character n-gram counts per order, then word n-gram counts per order.
    func ngrams(_ line: String, _ vocabulary: inout TokenVocabulary) -> [NGramCounts] {
        var cps = PythonText.codePoints(line)
        if lowercase { cps = PythonText.lower(cps) }
        let chars = whitespace ? cps : cps.filter { !PythonText.isSpace($0) }
        var result = (1...charOrder).map { NGrams.chars(chars, order: $0) }
        if wordOrder > 0 {
            let ids = vocabulary.ids(Self.separatePunctuation(cps))
            for n in 1...wordOrder { result.append(NGrams.words(ids, order: n)) }
        }
        return result
    }

    /// sacreBLEU's `_remove_punctuation`: one ASCII punctuation mark is split off the end
    /// of a word, or else off its start ("(hi)" gives "(hi" and ")").
    static func separatePunctuation(_ cps: CodePoints) -> [ArraySlice<UInt32>] {
        var out: [ArraySlice<UInt32>] = []
        for w in PythonText.split(cps) {
            if w.count == 1 {
                out.append(w)
            } else if isASCIIPunctuation(w.last!) {
                out.append(w.dropLast())
                out.append(w.suffix(1))
            } else if isASCIIPunctuation(w.first!) {
                out.append(w.prefix(1))
                out.append(w.dropFirst())
            } else {
                out.append(w)
            }
        }
        return out
    }

    /// Python's `string.punctuation`.
    @inline(__always) static func isASCIIPunctuation(_ c: UInt32) -> Bool {
        (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
    }

    /// Appends [hypothesis count, reference count, matches]; a hypothesis count only
    /// counts when the reference has n-grams of that order.
    static func appendMatchStatistics(_ hyp: NGramCounts, _ ref: NGramCounts, to stats: inout [Int]) {
        var matches = 0, hypCount = 0
        for (ngram, count) in hyp {
            hypCount += count
            if let refCount = ref[ngram] { matches += min(count, refCount) }
        }
        var refCount = 0
        for count in ref.values { refCount += count }
        stats.append(ref.isEmpty ? 0 : hypCount)
        stats.append(refCount)
        stats.append(matches)
    }

    /// sacreBLEU's `_compute_f_score`, operation for operation.
    func fScore(_ stats: [Int]) -> Double {
        let eps = 1e-16
        let order = charOrder + wordOrder
        let factor = Double(beta * beta)
        var score = 0.0
        var effectiveOrder = 0
        var avgPrec = 0.0, avgRec = 0.0
        for i in 0..<order {
            let nHyp = stats[3 * i], nRef = stats[3 * i + 1], nMatch = stats[3 * i + 2]
            let prec = nHyp > 0 ? Double(nMatch) / Double(nHyp) : eps
            let rec = nRef > 0 ? Double(nMatch) / Double(nRef) : eps
            let denom = factor * prec + rec
            score += denom > 0 ? ((1 + factor) * prec * rec / denom) : eps
            if nHyp > 0 && nRef > 0 {
                avgPrec += prec
                avgRec += rec
                effectiveOrder += 1
            }
        }
        if epsSmoothing { return 100 * score / Double(order) }
        if effectiveOrder == 0 {
            avgPrec = 0
            avgRec = 0
        } else {
            avgPrec /= Double(effectiveOrder)
            avgRec /= Double(effectiveOrder)
        }
        if avgPrec + avgRec != 0 {
            var f = (1 + factor) * avgPrec * avgRec
            f /= (factor * avgPrec) + avgRec
            return 100 * f
        }
        return 0
    }
}

/// A chrF / chrF++ result; its name carries β and one "+" per word order, as in sacreBLEU.
public struct CHRFScore: MetricScore, Equatable {
    public let score: Double
    public let charOrder: Int
    public let wordOrder: Int
    public let beta: Int

    public var name: String { "chrF\(beta)" + String(repeating: "+", count: wordOrder) }
    public var verbose: String { "" }
}
