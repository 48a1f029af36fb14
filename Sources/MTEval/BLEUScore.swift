/// A corpus BLEU result with sacreBLEU's fields and text form.
public struct BLEUScore: MetricScore, Equatable {
    public let name = "BLEU"
    public let score: Double
    /// Matched n-grams per order (after add-k smoothing, as sacreBLEU keeps them).
    public let counts: [Double]
    /// Hypothesis n-grams per order (after add-k smoothing).
    public let totals: [Double]
    /// Percentages per order, smoothed.
    public let precisions: [Double]
    /// Brevity penalty.
    public let bp: Double
    public let sysLen: Int
    public let refLen: Int

    public var ratio: Double { refLen != 0 ? Double(sysLen) / Double(refLen) : 0 }

    public var verbose: String {
        let prec = precisions.map { PythonFormat.fixed($0, digits: 1) }.joined(separator: "/")
        return "\(prec) (BP = \(PythonFormat.fixed(bp, digits: 3)) ratio = \(PythonFormat.fixed(ratio, digits: 3))"
            + " hyp_len = \(sysLen) ref_len = \(refLen))"
    }
}
