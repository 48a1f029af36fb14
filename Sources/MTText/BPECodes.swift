/// BPE merge operations, in the order they were learned.
///
/// Text format (UTF-8): a header line `#mt-bpe-codes 1`, then one merge per
/// line, `left right`. Symbols are runs of characters (grapheme clusters) of a
/// token; `</w>` ends a symbol that ends its word, as in subword-nmt. Tokens
/// never contain a space, and ICU never puts `<` inside a longer token, so
/// neither separator is ambiguous.
public struct BPECodes: Equatable, Sendable {
    public struct Merge: Equatable, Sendable {
        /// Symbols, with `</w>` on one that ends its word.
        public var left: String
        public var right: String
        public init(_ left: String, _ right: String) { self.left = left; self.right = right }
    }

    public static let header = "#mt-bpe-codes 1"
    public static let endOfWord = "</w>"

    public var merges: [Merge]

    public init(merges: [Merge] = []) { self.merges = merges }

    public var text: String {
        var out = BPECodes.header + "\n"
        for m in merges { out += m.left + " " + m.right + "\n" }
        return out
    }

    /// Parses the text format; `location` names the source in errors.
    public init(text: String, location: String = "BPE codes") throws {
        var lines = text.utf8.split(separator: 10, omittingEmptySubsequences: false)
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let first = lines.first, String(decoding: first, as: UTF8.self) == BPECodes.header else {
            throw TextError("not a BPE codes file: the first line must be '\(BPECodes.header)'", at: "\(location):1")
        }
        var merges: [Merge] = []
        merges.reserveCapacity(lines.count - 1)
        for (i, line) in lines.enumerated().dropFirst() {
            let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw TextError("malformed merge: expected 'left right'", at: "\(location):\(i + 1)")
            }
            let left = String(decoding: parts[0], as: UTF8.self)
            if left.utf8.count > BPECodes.endOfWord.utf8.count, left.hasSuffixBytes(BPECodes.endOfWord) {
                throw TextError("malformed merge: '\(BPECodes.endOfWord)' on the left symbol", at: "\(location):\(i + 1)")
            }
            merges.append(Merge(left, String(decoding: parts[1], as: UTF8.self)))
        }
        self.merges = merges
    }

    /// FNV-1a hash of the text form.
    public var hash: String { FNV1a.hex(text) }
}

extension String {
    func hasSuffixBytes(_ suffix: String) -> Bool {
        let a = Array(utf8), b = Array(suffix.utf8)
        return a.count >= b.count && a[(a.count - b.count)...].elementsEqual(b)
    }
}
