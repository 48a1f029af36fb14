/// A word, number, punctuation mark or subword, and whether it was glued to the
/// one before it (no space between them in the normalised line).
public struct Token: Equatable, Hashable, Sendable {
    public var text: String
    public var glued: Bool

    public init(_ text: String, glued: Bool = false) {
        self.text = text
        self.glued = glued
    }

    /// The joiner mark, U+FFED ￭, as in OpenNMT's tokenizer. NFKC maps U+FFED to
    /// U+25A0, so the mark never occurs in normalised text: a literal ￭ in the
    /// input reaches the tokens as ■ and the text form needs no escape.
    public static let joiner = "\u{FFED}"
    static let joinerUTF8: [UInt8] = Array(joiner.utf8)

    /// The token as it appears in the text form and the vocabularies: the joiner
    /// first when glued.
    public var textForm: String { glued ? Token.joiner + text : text }

    /// Parses one space-free piece of the text form.
    public init(textForm: String) {
        let bytes = textForm.utf8
        if bytes.starts(with: Token.joinerUTF8) {
            self.init(String(textForm.unicodeScalars.dropFirst()), glued: true)
        } else {
            self.init(textForm, glued: false)
        }
    }
}

extension Array where Element == Token {
    /// The text form: tokens separated by U+0020, glued ones carrying the joiner.
    public var textForm: String {
        var out = ""
        for (i, t) in enumerated() {
            if i > 0 { out += " " }
            if t.glued { out += Token.joiner }
            out += t.text
        }
        return out
    }

    /// The line the tokens came from: a space before each token that is not glued.
    public var detokenized: String {
        var out = ""
        for (i, t) in enumerated() {
            if i > 0 && !t.glued { out += " " }
            out += t.text
        }
        return out
    }

    /// Splits a text form on U+0020 (byte-wise: a space followed by a combining
    /// mark is one Character in Swift, but two separate things here).
    public init(textForm: String) {
        self = textForm.utf8.split(separator: 0x20).map { Token(textForm: String(decoding: $0, as: UTF8.self)) }
    }
}
