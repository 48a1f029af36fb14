import Foundation
import MTCore

/// The text `mt-translate` writes for a translation.
public enum TranslationFormat {
    /// The lines for one input: the best output, or with `nBest` exactly `nBest` lines
    /// `INDEX ||| hypothesis ||| score` (Moses/Marian style; INDEX 0-based). An empty input
    /// gives an empty line, or n-best lines with an empty hypothesis and score 0.
    public static func lines(_ t: Translation, nBest: Int?) -> [String] {
        guard let nBest else { return [t.outputs.first?.text ?? ""] }
        var lines: [String] = []
        for j in 0..<nBest {
            // Fewer hypotheses than asked (an empty input): repeat the last.
            let o = t.outputs.isEmpty ? nil : t.outputs[Swift.min(j, t.outputs.count - 1)]
            lines.append("\(t.index) ||| \(o?.text ?? "") ||| \(score(o?.score ?? 0))")
        }
        return lines
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
