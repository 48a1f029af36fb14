extension HTMLUnit {
    /// Appends the unit's stretch of the document with `translation` in place of its text and
    /// every tag of the unit where `HTMLPlacement` puts it. `bytes` is the document's input.
    func render(_ translation: HTMLUnitTranslation, bytes: [UInt8], into out: inout [UInt8]) {
        let placement = HTMLPlacement(unit: self, translation: translation)
        let length = placement.characters.count
        var tagAt = [Bool](repeating: false, count: length + 1)
        var lineBreakAt = tagAt
        for k in 1..<nodes.count {
            tagAt[placement.lower[k]] = true
            if nodes[k].close != nil { tagAt[placement.upper[k]] = true }
            if nodes[k].isLineBreak { lineBreakAt[placement.lower[k]] = true }
        }

        let spelled = spelledAsInSource(placement, tagAt, lineBreakAt, bytes)

        var cursor = 0
        func characters(upTo end: Int) {
            while cursor < end {
                if spelled[cursor] {
                    out += bytes[spelling[placement.spelledAs[cursor]]]
                } else {
                    HTMLUnit.escape(placement.characters[cursor], into: &out)
                }
                cursor += 1
            }
        }
        // Depth first without recursion: units can nest thousands of elements deep.
        var stack = [(node: 0, next: 0)]
        while let (node, next) = stack.last {
            if next < placement.order[node].count {
                stack[stack.count - 1].next += 1
                let child = placement.order[node][next]
                characters(upTo: placement.lower[child])
                out += bytes[nodes[child].open]
                if nodes[child].close != nil { stack.append((child, 0)) }
            } else {
                stack.removeLast()
                if let close = nodes[node].close {
                    characters(upTo: placement.upper[node])
                    out += bytes[close]
                }
            }
        }
        characters(upTo: length)
    }

    /// Which characters of the row to write in their source spelling: those the placement
    /// spells as a source character, unless that spelling needs company it no longer has
    /// (`Context`, or the `<br>` beside a space spelled as nothing). Decided from the end
    /// backwards, since what follows a character decides.
    private func spelledAsInSource(_ placement: HTMLPlacement, _ tagAt: [Bool], _ lineBreakAt: [Bool], _ bytes: [UInt8]) -> [Bool] {
        let length = placement.characters.count
        var spelled = [Bool](repeating: false, count: length)
        // The first byte written at row position p; nil for a tag or the unit's end, where a
        // boundary tag or the end of the input follows.
        func firstByte(_ p: Int) -> UInt8? {
            var p = p
            while p < length && !tagAt[p] {
                if spelled[p] {
                    // The space after a `<br>` is spelled as nothing: the next byte is further on.
                    let source = spelling[placement.spelledAs[p]]
                    if source.isEmpty { p += 1; continue }
                    return bytes[source.lowerBound]
                }
                let c = placement.characters[p]
                if c == "&" || c == "<" || c == ">" { return UInt8(ascii: "&") }
                return c.isASCII ? UInt8(c.value) : 0xC0
            }
            return nil
        }
        // Whether row position p holds source character s, in its source spelling.
        func spelledAs(_ p: Int, _ s: Int) -> Bool {
            p < length && !tagAt[p] && placement.spelledAs[p] == s && spelled[p]
        }
        for p in stride(from: length - 1, through: 0, by: -1) {
            let s = placement.spelledAs[p]
            guard s >= 0 else { continue }
            if spelling[s].isEmpty {
                // The space after a `<br>`: nothing only where a `<br>` still parts the words.
                spelled[p] = lineBreakAt[p] || lineBreakAt[p + 1]
                continue
            }
            guard let context = contexts[s] else { spelled[p] = true; continue }
            // The characters the source's reading went through must follow again, as written there.
            guard (1..<(context.run + 1)).allSatisfy({ spelledAs(p + $0, s + $0) }) else { continue }
            let next = p + context.run + 1
            switch context.kind {
            case .lessThanSlashAtEnd:
                spelled[p] = next == length && !tagAt[length]
            case .reference, .lessThan, .lessThanInRawText:
                if context.textFollows && spelledAs(next, s + context.run + 1) {
                    spelled[p] = true
                } else if let b = firstByte(next) {
                    switch context.kind {
                    case .reference: spelled[p] = HTMLCharacterReferences.endsReference(b)
                    case .lessThanInRawText: spelled[p] = !continuesEndTag(context, with: b)
                    default: spelled[p] = !(isASCIILetter(b) || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") || b == UInt8(ascii: "/"))
                    }
                } else {
                    spelled[p] = true
                }
            }
        }
        return spelled
    }

    /// Whether byte `b`, after a raw-text `<` and its run (`/` and the first letters of the
    /// name), may make the end tag: it is the next byte of `</name`, or white space, `/` or `>`
    /// after the whole name.
    private func continuesEndTag(_ context: Context, with b: UInt8) -> Bool {
        let name = context.endTag
        switch context.run {
        case 0: return b == UInt8(ascii: "/")
        case name.count + 1:
            return b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D || b == UInt8(ascii: "/") || b == UInt8(ascii: ">")
        default: return b | 0x20 == name[context.run - 1]
        }
    }

    private func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }

    /// Text as HTML: `&`, `<` and `>` escaped, everything else as UTF-8.
    static func escape(_ c: Unicode.Scalar, into out: inout [UInt8]) {
        switch c {
        case "&": out += [0x26, 0x61, 0x6D, 0x70, 0x3B]
        case "<": out += [0x26, 0x6C, 0x74, 0x3B]
        case ">": out += [0x26, 0x67, 0x74, 0x3B]
        default: UTF8.encode(c) { out.append($0) }
        }
    }
}
