/// The reproducibility signature printed beside a score, in sacreBLEU's layout:
/// `nrefs:1|case:mixed|...|version:...`, with sacreBLEU's short names under `short`.
public struct Signature: Sendable, Equatable, CustomStringConvertible {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var shortKey: String
        public var value: String
    }

    public var entries: [Entry]

    init(numRefs: Int, _ metricEntries: [Entry]) {
        entries = [Entry(key: "nrefs", shortKey: "#", value: String(numRefs))] + metricEntries
            + [Entry(key: "version", shortKey: "v", value: MTEvalVersion.signature)]
    }

    public func format(short: Bool = false) -> String {
        entries.map { "\(short ? $0.shortKey : $0.key):\($0.value)" }.joined(separator: "|")
    }

    public var description: String { format() }
}

/// The version written into signatures. It names this implementation, so a score is never
/// mistaken for one computed by sacreBLEU itself, whose rules it follows (2.x).
public enum MTEvalVersion {
    public static let number = "1.0.0"
    public static let signature = "mteval-\(number)"
}
