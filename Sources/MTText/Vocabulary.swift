import MTCore

/// Token <-> id mapping. The four specials come first (`SpecialToken`): <pad>=0 <unk>=1 <s>=2 </s>=3.
/// No token of the text form can equal a special: the tokenizer always splits `<`
/// and `>` from letters.
///
/// File format: UTF-8, one `token<TAB>count` per line, in id order, specials
/// first (count 0), each line ending in `\n`.
public struct Vocabulary: Equatable, Sendable {
    public private(set) var tokens: [String]
    public private(set) var counts: [Int]
    private var ids: [ByteString: Int32]

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool {
        a.tokens.elementsEqual(b.tokens) { $0.utf8.elementsEqual($1.utf8) } && a.counts == b.counts
    }

    /// Builds a vocabulary from token counts: tokens seen at least `minFrequency`
    /// times, the `maxSize` most frequent (0: no limit; specials not counted),
    /// by decreasing count, ties in byte order.
    public init(counts wordCounts: WordCounts, minFrequency: Int = 1, maxSize: Int = 0) {
        var entries = zip(wordCounts.words, wordCounts.counts).filter { $0.1 >= max(1, minFrequency) }
        entries.sort { $0.1 != $1.1 ? $0.1 > $1.1 : String.byteOrder($0.0, $1.0) }
        if maxSize > 0 && entries.count > maxSize { entries.removeSubrange(maxSize...) }
        self.init(unchecked: SpecialToken.names + entries.map(\.0), counts: [Int](repeating: 0, count: SpecialToken.count) + entries.map(\.1))
    }

    private init(unchecked tokens: [String], counts: [Int]) {
        self.tokens = tokens
        self.counts = counts
        ids = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { (ByteString($1), Int32($0)) })
    }

    /// Parses and validates the file format; errors name `location:line`.
    public init(fileText: String, location: String = "vocabulary") throws {
        var tokens: [String] = []
        var counts: [Int] = []
        var seen: [ByteString: Int] = [:]
        var lines = fileText.utf8.split(separator: 10, omittingEmptySubsequences: false)
        guard let last = lines.last, last.isEmpty else {
            throw TextError(fileText.isEmpty ? "empty vocabulary file" : "last line does not end with a newline", at: "\(location):\(max(1, lines.count))")
        }
        lines.removeLast()
        for (i, line) in lines.enumerated() {
            let at = "\(location):\(i + 1)"
            let fields = line.split(separator: 9, omittingEmptySubsequences: false)
            guard fields.count == 2 else { throw TextError("expected 'token<TAB>count'", at: at) }
            guard !fields[0].isEmpty else { throw TextError("empty token", at: at) }
            guard !fields[0].contains(0x20), !fields[0].contains(13) else { throw TextError("token contains a space or carriage return", at: at) }
            let token = String(decoding: fields[0], as: UTF8.self)
            guard token.utf8.elementsEqual(fields[0]) else { throw TextError("invalid UTF-8", at: at) }
            guard let count = Int(String(decoding: fields[1], as: UTF8.self)), count >= 0 else {
                throw TextError("count is not a non-negative integer", at: at)
            }
            if i < SpecialToken.names.count, token != SpecialToken.names[i] {
                throw TextError("expected the special token \(SpecialToken.names[i]) on this line", at: at)
            }
            if let previous = seen[ByteString(token)] {
                throw TextError("duplicate token '\(token)' (first on line \(previous))", at: at)
            }
            seen[ByteString(token)] = i + 1
            tokens.append(token)
            counts.append(count)
        }
        guard tokens.count >= SpecialToken.names.count else {
            throw TextError("missing special tokens: a vocabulary starts with \(SpecialToken.names.joined(separator: " "))", at: "\(location):\(tokens.count + 1)")
        }
        self.init(unchecked: tokens, counts: counts)
    }

    public var count: Int { tokens.count }

    /// The id of `token`, or `SpecialToken.unk`.
    public func id(of token: String) -> Int32 { ids[ByteString(token)] ?? SpecialToken.unk }

    public func contains(_ token: String) -> Bool { ids[ByteString(token)] != nil }

    public func token(at id: Int32) -> String { tokens[Int(id)] }

    public var fileText: String {
        var out = ""
        for (t, c) in zip(tokens, counts) { out += t; out += "\t"; out += String(c); out += "\n" }
        return out
    }

    /// FNV-1a 64-bit of `fileText`, 16 hex digits: recorded in the settings and
    /// checked on load so that a model never runs with another vocabulary.
    public var hash: String { FNV1a.hex(fileText) }
}
