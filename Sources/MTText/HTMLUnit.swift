/// One translation unit of an HTML document: the text between two unit boundaries, decoded,
/// with the inline markup inside it as a tree anchored at character positions.
///
/// The unit spans everything between its boundaries, white space around the text included, so
/// that rendering it rewrites that whole stretch of the input; its `text` is the decoded text
/// without that outer white space.
struct HTMLUnit: Sendable {
    /// What the walker hands over, in input order.
    enum Item {
        case text(Range<Int>)
        /// The text of a raw-text element with translatable text (`<title>`): no markup inside,
        /// and only `</name` followed by white space, `/` or `>` ends it.
        case rawText(Range<Int>, name: String)
        /// A start or end tag of an inline element, which may pair with another.
        case start(Range<Int>, name: String)
        case end(Range<Int>, name: String)
        /// Anything anchored at one point: a void element, a comment, an opaque element whole.
        case marker(Range<Int>)
        /// A `<br>`: a marker that also parts the words on either side (`one<br>two`).
        case lineBreak(Range<Int>)
    }

    /// An inline element whose start and end tags pair up (`close` set), or a marker.
    /// `start` and `end` are character positions: the element covers `scalars[start..<end]`.
    struct Node: Sendable {
        var open: Range<Int>
        var close: Range<Int>?
        var start: Int
        var end: Int
        var children: [Int] = []
        var isLineBreak = false
    }

    /// What must follow a character's source spelling for it to read the same in the output:
    /// a literal `&`, a reference without `;`, or a literal `<` means what it does only because
    /// of the bytes after it (`&not` before `in;` reads `&notin;`, `<` before `i>` is a tag).
    struct Context {
        enum Kind {
            /// `HTMLCharacterReferences.Reference.lookahead`.
            case reference
            /// A `<` that must not be followed by a letter, `!`, `?` or `/`.
            case lessThan
            /// `</` at the end of the input, text only there.
            case lessThanSlashAtEnd
            /// A `<` in the raw text of `<title>`, which must not start `</title` followed by
            /// white space, `/` or `>`: that would end the element early.
            case lessThanInRawText
        }

        var kind: Kind
        /// How many of the following characters must follow again, spelled as here.
        var run: Int
        /// Whether the character after those came right after them in the source, with no
        /// markup between (its following again then keeps the reading too).
        var textFollows: Bool
        /// For `lessThanInRawText`: the element's lower-case name.
        var endTag: [UInt8] = []
    }

    /// The decoded characters of the whole stretch.
    private(set) var scalars: [Unicode.Scalar] = []
    /// The bytes that spell each character: a character reference spells one character, and
    /// the space between two words parted by a `<br>` is spelled by no byte.
    private(set) var spelling: [Range<Int>] = []
    /// The characters whose spelling needs company.
    private(set) var contexts: [Int: Context] = [:]
    /// The words, as ranges of `scalars`; never empty.
    private(set) var words: [Range<Int>] = []
    /// The markup tree; `nodes[0]` is the unit itself, with no tags.
    private(set) var nodes: [Node] = []
    /// The text to translate: from the first word to the last.
    private(set) var text = ""

    /// The unit of `items`, or nil when they hold no word (the stretch is then kept verbatim).
    ///
    /// Inline tags pair as a browser's stack of open elements would: an end tag closes the
    /// innermost open element of its name, and elements opened inside that one and still open
    /// become markers (`<b><i>x</b>`); an end tag with nothing to close, and an element still
    /// open at the end of the unit, are markers too. Pairs therefore always nest properly.
    init?(items: [Item], bytes: [UInt8]) {
        var partner = [Int](repeating: -1, count: items.count)
        var open: [(name: String, item: Int)] = []
        var openCount: [String: Int] = [:]
        for (k, item) in items.enumerated() {
            switch item {
            case .start(_, let name):
                open.append((name, k))
                openCount[name, default: 0] += 1
            case .end(_, let name):
                // The count spares a search of the whole stack for each stray end tag.
                guard openCount[name, default: 0] > 0, let j = open.lastIndex(where: { $0.name == name }) else { continue }
                partner[open[j].item] = k
                partner[k] = open[j].item
                for dropped in open[j...] { openCount[dropped.name]! -= 1 }
                open.removeSubrange(j...)
            default:
                break
            }
        }

        nodes = [Node(open: 0..<0, close: nil, start: 0, end: 0)]
        var stack = [0]
        var lineBreak = false
        for (k, item) in items.enumerated() {
            switch item {
            case .text(let range):
                decode(range, bytes, afterLineBreak: &lineBreak)
            case .rawText(let range, let name):
                decode(range, bytes, rawTextOf: name, afterLineBreak: &lineBreak)
            case .start(let range, _) where partner[k] >= 0:
                nodes.append(Node(open: range, close: nil, start: scalars.count, end: scalars.count))
                nodes[stack.last!].children.append(nodes.count - 1)
                stack.append(nodes.count - 1)
            case .end(let range, _) where partner[k] >= 0:
                let node = stack.removeLast()
                nodes[node].close = range
                nodes[node].end = scalars.count
            case .start(let range, _), .end(let range, _), .marker(let range), .lineBreak(let range):
                nodes.append(Node(open: range, close: nil, start: scalars.count, end: scalars.count))
                nodes[stack.last!].children.append(nodes.count - 1)
                if case .lineBreak = item {
                    nodes[nodes.count - 1].isLineBreak = true
                    if let last = scalars.last, !HTMLWords.isWhiteSpace(last) { lineBreak = true }
                }
            }
        }
        nodes[0].end = scalars.count
        words = HTMLWords.ranges(scalars)
        guard let first = words.first, let last = words.last else { return nil }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(last.upperBound - first.lowerBound)
        for c in scalars[first.lowerBound..<last.upperBound] { UTF8.encode(c) { utf8.append($0) } }
        text = String(decoding: utf8, as: UTF8.self)
    }

    /// Appends the characters of a text token, decoding character references. After a `<br>`
    /// that follows a word, a text that starts with another gets a space spelled as nothing
    /// first, so that the words stay apart in the unit's text; a rendering writes it as nothing
    /// only next to a `<br>`. In the raw text of `rawTextOf` no `<` starts markup but its end tag.
    private mutating func decode(_ range: Range<Int>, _ bytes: [UInt8], rawTextOf: String? = nil, afterLineBreak: inout Bool) {
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            let scalar: Unicode.Scalar
            let length: Int
            var context: Context?
            if b == UInt8(ascii: "&") {
                let reference = HTMLCharacterReferences.reference(in: bytes, at: i, end: range.upperBound)
                (scalar, length) = (reference.scalar ?? "&", reference.length)
                if let run = reference.lookahead {
                    context = Context(kind: .reference, run: run, textFollows: i + length + run < range.upperBound)
                }
            } else {
                length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
                var value = UInt32(length == 1 ? b : length == 2 ? b & 0x1F : length == 3 ? b & 0x0F : b & 0x07)
                for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                if b == UInt8(ascii: "<"), let name = rawTextOf {
                    // The `/` and the letters of the name that follow, as far as they match,
                    // are what the source's reading went through.
                    let endTag = Array(name.utf8)
                    var run = 0
                    if i + 1 < range.upperBound && bytes[i + 1] == UInt8(ascii: "/") {
                        run = 1
                        while run <= endTag.count && i + 1 + run < range.upperBound
                            && bytes[i + 1 + run] | 0x20 == endTag[run - 1] { run += 1 }
                    }
                    context = Context(kind: .lessThanInRawText, run: run, textFollows: i + 1 + run < range.upperBound, endTag: endTag)
                } else if b == UInt8(ascii: "<") {
                    let atEnd = i + 2 == bytes.count && bytes[i + 1] == UInt8(ascii: "/")
                    context = atEnd
                        ? Context(kind: .lessThanSlashAtEnd, run: 1, textFollows: false)
                        : Context(kind: .lessThan, run: 0, textFollows: i + 1 < range.upperBound)
                }
            }
            if afterLineBreak {
                afterLineBreak = false
                if !HTMLWords.isWhiteSpace(scalar) {
                    scalars.append(" ")
                    spelling.append(i..<i)
                }
            }
            if let context { contexts[scalars.count] = context }
            scalars.append(scalar)
            spelling.append(i..<(i + length))
            i += length
        }
    }
}
