/// Scores one system against its references with the chosen metrics and renders the
/// result like sacreBLEU's command line (single-system mode). `mt-bleu` is a thin
/// wrapper around this.
public struct Evaluation: Sendable {
    public enum Metric: String, CaseIterable, Sendable {
        case bleu, chrf
    }

    public enum Format: String, CaseIterable, Sendable {
        case text, json
    }

    /// Metrics to compute; results always come in sacreBLEU's order (BLEU, then chrF).
    public var metrics: [Metric]
    public var bleu: BLEU
    public var chrf: CHRF
    /// Decimal places of the score (sacreBLEU's `--width`).
    public var width: Int
    public var scoreOnly: Bool
    public var format: Format
    public var shortSignature: Bool

    public init(metrics: [Metric] = [.bleu], bleu: BLEU = BLEU(), chrf: CHRF = CHRF(), width: Int = 2,
                scoreOnly: Bool = false, format: Format = .text, shortSignature: Bool = false) {
        self.metrics = metrics
        self.bleu = bleu
        self.chrf = chrf
        self.width = width
        self.scoreOnly = scoreOnly
        self.format = format
        self.shortSignature = shortSignature
    }

    /// The scores, in output order.
    public func scores(hypotheses: [String], references: [[String]]) -> [(any MetricScore, Signature)] {
        var out: [(any MetricScore, Signature)] = []
        if metrics.contains(.bleu) {
            out.append((bleu.corpusScore(hypotheses: hypotheses, references: references),
                        bleu.signature(numRefs: references.count)))
        }
        if metrics.contains(.chrf) {
            out.append((chrf.corpusScore(hypotheses: hypotheses, references: references),
                        chrf.signature(numRefs: references.count)))
        }
        return out
    }

    /// The printed report, without a final newline.
    public func report(hypotheses: [String], references: [[String]]) -> String {
        let json = format == .json
        let lines = scores(hypotheses: hypotheses, references: references).map { score, signature in
            score.format(width: width, scoreOnly: scoreOnly, signature: signature,
                         shortSignature: shortSignature && !json, json: json)
        }
        return ScoreReport.render(lines, json: json)
    }

    /// sacreBLEU's hint that the hypotheses look tokenised: 100 or more lines ending in " .".
    public static func looksTokenized(_ hypotheses: [String]) -> Bool {
        hypotheses.lazy.filter { $0.unicodeScalars.reversed().starts(with: [".", " "]) }.prefix(100).count >= 100
    }
}
