import MTCore

/// What every metric's result offers: sacreBLEU's `Score.format` in text and JSON.
public protocol MetricScore: Sendable, CustomStringConvertible {
    /// "BLEU", "chrF2", "chrF2++" ...
    var name: String { get }
    /// The score on a 0...100 scale, unrounded.
    var score: Double { get }
    /// The detail printed after the score (empty for chrF).
    var verbose: String { get }
}

extension MetricScore {
    /// sacreBLEU's `Score.format(width, score_only, signature, is_json)`.
    public func format(width: Int = 2, scoreOnly: Bool = false, signature: Signature? = nil,
                       shortSignature: Bool = false, json: Bool = false) -> String {
        let scoreText = PythonFormat.fixed(score, digits: width)
        if scoreOnly { return scoreText }
        let sig = signature?.format(short: shortSignature) ?? ""
        if json {
            // Python's float(f"{score:.2f}") printed with repr.
            let rounded = Double(scoreText) ?? score
            var fields: [(String, String)] = [
                ("name", name.jsonLiteral),
                ("score", PythonFormat.repr(rounded)),
                ("signature", sig.jsonLiteral),
            ]
            if !verbose.isEmpty { fields.append(("verbose_score", verbose.jsonLiteral)) }
            for entry in signature?.entries ?? [] {
                fields.append((shortSignature ? entry.shortKey : entry.key, entry.value.jsonLiteral))
            }
            let body = fields.map { " \($0.0.jsonLiteral): \($0.1)" }.joined(separator: ",\n")
            return "{\n" + body + "\n}"
        }
        var line = sig.isEmpty ? name : "\(name)|\(sig)"
        line += " = \(scoreText)"
        if !verbose.isEmpty { line += " \(verbose)" }
        return line
    }

    /// sacreBLEU's `str(score)`: e.g. `BLEU = 34.12 65.2/40.1/27.0/18.9 (BP = ...)`.
    public var description: String { format() }
}

/// Lays out several formatted results the way sacreBLEU's `print_single_results` does:
/// a JSON list, or text lines right-aligned on their " = ".
public enum ScoreReport {
    public static func render(_ results: [String], json: Bool) -> String {
        if results.isEmpty { return "" }
        if json {
            return results.count > 1 ? "[\n" + results.joined(separator: ",\n") + "\n]" : results[0]
        }
        if results.count == 1 { return results[0] }
        var lines: [String] = []
        var aligned: [(Int, String)] = []
        for line in results {
            if let eq = line.unicodeScalars.firstIndex(of: "=") {
                aligned.append((line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: eq) - 1, line))
            } else {
                lines.append(line)  // sacreBLEU prints these at once, before the aligned ones
            }
        }
        let width = aligned.map(\.0).max() ?? 0
        for (cut, line) in aligned {
            let scalars = Array(line.unicodeScalars)
            let left = String(String.UnicodeScalarView(scalars[..<cut]))
            let right = String(String.UnicodeScalarView(scalars[cut...]))
            lines.append(String(repeating: " ", count: max(0, width - cut)) + left + right)
        }
        return lines.joined(separator: "\n")
    }
}
