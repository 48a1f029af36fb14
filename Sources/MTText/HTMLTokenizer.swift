/// One piece of an HTML input: a byte range of its UTF-8, and for a tag its lower-case name.
struct HTMLToken {
    enum Kind: Equatable {
        /// Text, character references not yet decoded.
        case text
        case startTag, endTag
        /// A comment, doctype, processing instruction, `<![CDATA[...]>` or other bogus comment.
        case other
    }

    var kind: Kind
    var range: Range<Int>
    var name = ""
    /// `<br/>`: meaningful for SVG and MathML only; HTML ignores it (`<b/>` opens a `b`).
    var selfClosing = false
    /// Markup left open at the end of the input (a tag without `>`, a comment without `-->`),
    /// which swallows whatever would follow it.
    var unterminated = false
}

/// Splits UTF-8 HTML into text and markup the way a browser's tokenizer does, except that
/// nothing is ever dropped: every byte lands in exactly one token, in order.
///
/// - `<` starts markup only before a letter (tag), `/` (end tag), `!` (comment, doctype) or `?`;
///   otherwise it is text, as in `a < b` or `<3`.
/// - In a tag, a `>` inside a quoted attribute value does not end it.
/// - `<!-->` and `<!--->` are whole comments; a comment also ends at `--!>`. `</>` is markup on
///   its own, `</ x>` a bogus comment up to the next `>`.
/// - A tag, comment or declaration left open at the end of the input runs to the end.
/// The raw text of `<script>` and its like is read on request, with `rawText(until:)`.
struct HTMLTokenizer {
    let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> HTMLToken? {
        guard position < bytes.count else { return nil }
        let start = position
        let token: HTMLToken
        if startsMarkup(start) {
            token = markup(at: start)
        } else {
            var i = start + 1
            while i < bytes.count && !startsMarkup(i) { i += 1 }
            token = HTMLToken(kind: .text, range: start..<i)
        }
        position = token.range.upperBound
        return token
    }

    /// The text from here up to `</name` followed by white space, `/` or `>` (any case), or to
    /// the end of the input when there is none or `name` is nil; nil when that text is empty.
    mutating func rawText(until name: String?) -> HTMLToken? {
        let start = position
        var i = start
        let end = name.map { Array($0.utf8) } ?? []
        search: while i < bytes.count {
            guard name != nil else { i = bytes.count; break }
            if bytes[i] == UInt8(ascii: "<"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") {
                var j = i + 2
                var k = 0
                while k < end.count && j < bytes.count && lowercased(bytes[j]) == end[k] { j += 1; k += 1 }
                if k == end.count && j < bytes.count && (isSpace(bytes[j]) || bytes[j] == UInt8(ascii: "/") || bytes[j] == UInt8(ascii: ">")) {
                    break search
                }
            }
            i += 1
        }
        position = i
        return i > start ? HTMLToken(kind: .text, range: start..<i) : nil
    }

    private func startsMarkup(_ i: Int) -> Bool {
        guard bytes[i] == UInt8(ascii: "<"), i + 1 < bytes.count else { return false }
        let c = bytes[i + 1]
        if isLetter(c) || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") { return true }
        // `</` at the very end is text.
        return c == UInt8(ascii: "/") && i + 2 < bytes.count
    }

    private func markup(at start: Int) -> HTMLToken {
        let c = bytes[start + 1]
        if isLetter(c) { return tag(at: start, nameStart: start + 1, kind: .startTag) }
        if c == UInt8(ascii: "/") {
            let d = bytes[start + 2]
            if isLetter(d) { return tag(at: start, nameStart: start + 2, kind: .endTag) }
            if d == UInt8(ascii: ">") { return HTMLToken(kind: .other, range: start..<(start + 3)) }
            return bogusComment(start, from: start + 2)
        }
        if c == UInt8(ascii: "!"), has("<!--", at: start) {
            let end = commentEnd(from: start + 4)
            return HTMLToken(kind: .other, range: start..<(end ?? bytes.count), unterminated: end == nil)
        }
        return bogusComment(start, from: start + 2)
    }

    /// Markup from `start` through the next `>` from `i`, or to the end of the input.
    private func bogusComment(_ start: Int, from i: Int) -> HTMLToken {
        var j = i
        while j < bytes.count {
            if bytes[j] == UInt8(ascii: ">") { return HTMLToken(kind: .other, range: start..<(j + 1)) }
            j += 1
        }
        return HTMLToken(kind: .other, range: start..<bytes.count, unterminated: true)
    }

    private enum TagState {
        case tagName, beforeAttributeName, attributeName, afterAttributeName, beforeAttributeValue
        case doubleQuoted, singleQuoted, unquoted, afterQuotedValue, selfClosing
    }

    /// A tag from `<` to its `>`, attributes read as the HTML tokenizer reads them.
    private func tag(at start: Int, nameStart: Int, kind: HTMLToken.Kind) -> HTMLToken {
        var state = TagState.tagName
        var nameEnd = bytes.count
        var i = nameStart
        var closed = false
        var selfClosing = false
        scan: while i < bytes.count {
            let c = bytes[i]
            i += 1
            let space = isSpace(c)
            switch state {
            case .tagName:
                if space || c == UInt8(ascii: "/") || c == UInt8(ascii: ">") { nameEnd = i - 1 }
                if space { state = .beforeAttributeName } else if c == UInt8(ascii: "/") { state = .selfClosing } else if c == UInt8(ascii: ">") { closed = true; break scan }
            case .beforeAttributeName:
                if space { break }
                if c == UInt8(ascii: "/") { state = .selfClosing } else if c == UInt8(ascii: ">") { closed = true; break scan } else { state = .attributeName }
            case .attributeName:
                if space { state = .afterAttributeName } else if c == UInt8(ascii: "/") { state = .selfClosing } else if c == UInt8(ascii: ">") { closed = true; break scan } else if c == UInt8(ascii: "=") { state = .beforeAttributeValue }
            case .afterAttributeName:
                if space { break }
                if c == UInt8(ascii: "/") { state = .selfClosing } else if c == UInt8(ascii: "=") { state = .beforeAttributeValue } else if c == UInt8(ascii: ">") { closed = true; break scan } else { state = .attributeName }
            case .beforeAttributeValue:
                if space { break }
                if c == UInt8(ascii: "\"") { state = .doubleQuoted } else if c == UInt8(ascii: "'") { state = .singleQuoted } else if c == UInt8(ascii: ">") { closed = true; break scan } else { state = .unquoted }
            case .doubleQuoted:
                if c == UInt8(ascii: "\"") { state = .afterQuotedValue }
            case .singleQuoted:
                if c == UInt8(ascii: "'") { state = .afterQuotedValue }
            case .unquoted:
                if space { state = .beforeAttributeName } else if c == UInt8(ascii: ">") { closed = true; break scan }
            case .afterQuotedValue:
                if space { state = .beforeAttributeName } else if c == UInt8(ascii: "/") { state = .selfClosing } else if c == UInt8(ascii: ">") { closed = true; break scan } else { state = .beforeAttributeName; i -= 1 }
            case .selfClosing:
                if c == UInt8(ascii: ">") { closed = true; selfClosing = true; break scan }
                state = .beforeAttributeName
                i -= 1
            }
        }
        var name = Array(bytes[nameStart..<min(nameEnd, i)])
        for k in name.indices { name[k] = lowercased(name[k]) }
        return HTMLToken(
            kind: kind, range: start..<i, name: String(decoding: name, as: UTF8.self), selfClosing: closed && selfClosing,
            unterminated: !closed)
    }

    /// Where a comment whose text starts at `i` ends: after `-->` or `--!>`; nil if it does not.
    private func commentEnd(from i: Int) -> Int? {
        if has(">", at: i) { return i + 1 }
        if has("->", at: i) { return i + 2 }
        var j = i
        while j < bytes.count {
            if bytes[j] == UInt8(ascii: "-") {
                if has("-->", at: j) { return j + 3 }
                if has("--!>", at: j) { return j + 4 }
            }
            j += 1
        }
        return nil
    }

    private func has(_ literal: String, at i: Int) -> Bool {
        var j = i
        for b in literal.utf8 {
            guard j < bytes.count, bytes[j] == b else { return false }
            j += 1
        }
        return true
    }

    private func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }

    /// HTML's white space in markup: tab, line feed, form feed, carriage return, space.
    private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D }

    private func lowercased(_ c: UInt8) -> UInt8 { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c }
}
