import Foundation
import MTCore

/// The text `mt-translate` writes for a translation.
public enum TranslationFormat {
    /// The lines for one input: the best output, or with `nBest` exactly `nBest` lines
    /// `INDEX ||| hypothesis ||| score` (Moses/Marian style; INDEX 0-based). An empty input
    /// gives an empty line, or n-best lines with an empty hypothesis and score 0.
    /// With `alignment` each line ends in ` ||| ` and the output's word alignment (Pharaoh
    /// `s-t` pairs), as Marian prints it; an empty output has an empty alignment.
    public static func lines(_ t: Translation, nBest: Int?, alignment: Bool = false) -> [String] {
        func links(_ o: Translation.Output?) -> String {
            alignment ? " ||| " + (o?.alignment?.pharaoh ?? "") : ""
        }
        guard let nBest else { return [(t.outputs.first?.text ?? "") + links(t.outputs.first)] }
        var lines: [String] = []
        for j in 0..<nBest {
            // Fewer hypotheses than asked (an empty input): repeat the last.
            let o = t.outputs.isEmpty ? nil : t.outputs[Swift.min(j, t.outputs.count - 1)]
            lines.append("\(t.index) ||| \(o?.text ?? "") ||| \(score(o?.score ?? 0))" + links(o))
        }
        return lines
    }

    /// The line of a scored pair: `TOTAL<TAB>PER_TOKEN`, the target's log-probability Σ log p
    /// over its subwords and `</s>` and that divided by their number; with `tokenScores` a
    /// column of each one's log-probability (space-separated), with `alignment` one of the
    /// word alignment. A pair with an empty source gives an empty line.
    public static func scoreLine(_ t: Translation, tokenScores: Bool, alignment: Bool) -> String {
        guard let o = t.outputs.first, o.length > 0 else { return "" }
        var columns = [score(o.logProbability), score(o.logProbability / Double(o.length))]
        if tokenScores { columns.append((o.tokenLogProbabilities ?? []).map(score).joined(separator: " ")) }
        if alignment { columns.append(o.alignment?.pharaoh ?? "") }
        return columns.joined(separator: "\t")
    }

    static func score(_ x: Double) -> String {
        x.isFinite ? String(format: "%.6f", x) : (x < 0 ? "-inf" : "inf")
    }

    /// One JSON line with the best output's attention:
    /// {"index":…,"source":[…],"target":[…],"weights":[[…]]}, one weight row per target token.
    public static func attentionJSON(_ t: Translation) -> String {
        let best = t.outputs.first
        var s = "{\"index\":\(t.index),\"source\":["
        s += t.sourceTokens.map(\.jsonLiteral).joined(separator: ",")
        s += "],\"target\":["
        s += (best?.targetTokens ?? []).map(\.jsonLiteral).joined(separator: ",")
        s += "],\"weights\":["
        s += (best?.attention ?? []).map { row in
            "[" + row.map { String(format: "%.6g", $0) }.joined(separator: ",") + "]"
        }.joined(separator: ",")
        s += "]}"
        return s
    }
}
