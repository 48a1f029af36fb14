/// An HTML document or fragment split into translation units, for LibreTranslate's
/// `format: "html"`: translate each of `units`, then `rendered(_:)` puts the translations back.
///
/// Text is translated; markup is kept byte for byte: tags with their attributes as written,
/// comments, the doctype, and the whole of `<script>`, `<style>`, `<code>`, `<pre>`,
/// `<textarea>`, `<template>`, `<svg>` and `<math>` (`HTMLElements`). Each block element
/// (anything but the inline ones, unknown elements included) is a unit boundary; inline
/// elements stay inside their unit and follow the target words aligned to the source words
/// they covered (`HTMLPlacement`). Every tag of the input appears in the output exactly once.
///
/// Input is never refused, and every byte of markup is kept, however malformed the input:
/// it is read as a browser's tokenizer reads it (`HTMLTokenizer`: a `<` not followed by a
/// letter, `/`, `!` or `?` is text; a tag or comment left open at the end runs to the end,
/// and so does an opaque element never closed, both then ending the last unit, since nothing
/// may be placed after them). What a browser's tree builder would repair is kept as it is
/// instead: end tags without a start, mis-nested inline tags (`<b><i>x</b></i>`) and unclosed
/// ones become markers, anchored between words like a `<br>`, rather than elements that wrap
/// words (`HTMLUnit`).
///
/// Rendering each unit as itself with every word linked to itself
/// (`HTMLUnitTranslation.untranslated`) gives back the input byte for byte.
public struct HTMLDocument: Sendable {
    private enum Piece: Sendable {
        case verbatim(Range<Int>)
        case unit(Int)
    }

    private let bytes: [UInt8]
    private var pieces: [Piece] = []
    private var unitList: [HTMLUnit] = []

    /// The text of each unit in document order: tags removed, character references decoded,
    /// white space as in the input but none at either end (a `<br>` between two words counts as
    /// a space). A block with no text besides white space is no unit.
    public private(set) var units: [String] = []

    public init(_ html: String) {
        bytes = Array(html.utf8)
        walk()
        units = unitList.map(\.text)
    }

    /// The document with each unit replaced by its translation (escaped for HTML: `&`, `<`,
    /// `>`; other characters as they are) and its inline markup placed through the alignment.
    /// - Precondition: one translation per unit, in the order of `units`; another count is a
    ///   mistake of the caller's, not of the input.
    public func rendered(_ translations: [HTMLUnitTranslation]) -> String {
        precondition(translations.count == unitList.count, "\(translations.count) translations for \(unitList.count) HTML units")
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        for piece in pieces {
            switch piece {
            case .verbatim(let range): out += bytes[range]
            case .unit(let k): unitList[k].render(translations[k], bytes: bytes, into: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: walking

    /// Splits the input into units and the verbatim stretches between them.
    private mutating func walk() {
        var tokenizer = HTMLTokenizer(bytes)
        var run: [HTMLUnit.Item] = []
        var runStart = 0

        while let token = tokenizer.next() {
            let range = token.range
            // Nothing may be placed after markup that swallows the rest of the input.
            if token.unterminated {
                close(&run, runStart..<range.lowerBound)
                keep(range)
                runStart = range.upperBound
                continue
            }
            switch token.kind {
            case .text:
                run.append(.text(range))
            case .other:
                run.append(.marker(range))
            case .startTag, .endTag:
                let role = HTMLElements.role(token.name)
                switch role {
                case .inline:
                    run.append(token.kind == .startTag ? .start(range, name: token.name) : .end(range, name: token.name))
                case .voidInline:
                    run.append(token.name == "br" ? .lineBreak(range) : .marker(range))
                case .opaqueInline, .opaqueBlock:
                    let end = token.kind == .startTag ? skipContent(of: token, &tokenizer) : range.upperBound
                    let whole = range.lowerBound..<(end ?? bytes.count)
                    if role == .opaqueInline && end != nil {
                        run.append(.marker(whole))
                    } else {
                        close(&run, runStart..<whole.lowerBound)
                        keep(whole)
                        runStart = whole.upperBound
                    }
                case .block:
                    close(&run, runStart..<range.lowerBound)
                    keep(range)
                    runStart = range.upperBound
                    // `<title>`: text with character references, but no tags.
                    if token.kind == .startTag && HTMLElements.rawText.contains(token.name),
                       let text = tokenizer.rawText(until: token.name) {
                        run.append(.rawText(text.range, name: token.name))
                    }
                }
            }
        }
        close(&run, runStart..<bytes.count)
    }

    /// Ends the run of items between two boundaries: a unit, or verbatim bytes if it has no word.
    private mutating func close(_ run: inout [HTMLUnit.Item], _ range: Range<Int>) {
        defer { run.removeAll(keepingCapacity: true) }
        guard !run.isEmpty else { return }
        if let unit = HTMLUnit(items: run, bytes: bytes) {
            pieces.append(.unit(unitList.count))
            unitList.append(unit)
        } else {
            keep(range)
        }
    }

    private mutating func keep(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if case .verbatim(let last)? = pieces.last, last.upperBound == range.lowerBound {
            pieces[pieces.count - 1] = .verbatim(last.lowerBound..<range.upperBound)
        } else {
            pieces.append(.verbatim(range))
        }
    }

    /// Reads past the content and end tag of the opaque element `start` opens; returns where
    /// it ends, nil if it runs to the end of the input unclosed (then, like unterminated
    /// markup, it is a boundary). Nested elements of the same name count, so `<code>` inside
    /// `<code>` does not end it early.
    private func skipContent(of start: HTMLToken, _ tokenizer: inout HTMLTokenizer) -> Int? {
        let name = start.name
        let foreign = HTMLElements.foreign.contains(name)
        if foreign && start.selfClosing { return start.range.upperBound }
        if HTMLElements.rawText.contains(name) {
            _ = tokenizer.rawText(until: name == "plaintext" ? nil : name)
            guard let end = tokenizer.next(), !end.unterminated else { return nil }
            return end.range.upperBound
        }
        var depth = 1
        while let token = tokenizer.next() {
            if token.kind == .startTag && token.name == name && !(foreign && token.selfClosing) {
                depth += 1
            } else if token.kind == .startTag && !foreign && HTMLElements.rawText.contains(token.name) {
                _ = tokenizer.rawText(until: token.name == "plaintext" ? nil : token.name)
            } else if token.kind == .endTag && token.name == name {
                depth -= 1
                if depth == 0 { return token.unterminated ? nil : token.range.upperBound }
            }
        }
        return nil
    }
}
