/// What an element is to the HTML walker, by its lower-case tag name.
///
/// - inline: stays inside the translation unit and wraps the target words aligned to the
///   source words it covered (`<b>`, `<a>`, `<span>`...); void inline elements (`<br>`, `<img>`)
///   are anchored between words.
/// - opaque inline: kept verbatim with everything inside it, anchored in the unit like a `<br>`
///   (`<code>` inside a sentence, `<script>`, `<svg>`); its text is never translated.
/// - opaque block: kept verbatim with its content, and a unit boundary (`<pre>`).
/// - block: everything else, unknown and custom elements included, is a unit boundary. An
///   unknown tag cutting a sentence in two costs a worse translation; an unknown block
///   element treated as inline would glue separate texts into one unit, which costs more.
enum HTMLElements {
    enum Role: Equatable {
        case inline, voidInline, opaqueInline, opaqueBlock, block
    }

    static func role(_ name: String) -> Role {
        if inline.contains(name) { return .inline }
        if voidInline.contains(name) { return .voidInline }
        if opaqueInline.contains(name) { return .opaqueInline }
        if opaqueBlock.contains(name) { return .opaqueBlock }
        return .block
    }

    static let inline: Set<String> = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "data", "del", "dfn", "em", "font", "i", "ins",
        "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
        "time", "tt", "u", "var",
    ]

    /// Inline elements that never have content (an end tag of one is a marker too).
    static let voidInline: Set<String> = ["br", "img", "input", "wbr"]

    static let opaqueInline: Set<String> = [
        "code", "script", "style", "textarea", "template", "svg", "math", "iframe", "noembed", "noframes",
    ]

    static let opaqueBlock: Set<String> = ["pre", "listing", "xmp", "plaintext"]

    /// Elements whose content a browser reads as text up to their end tag: no tags or comments
    /// inside (`<script>if (a<b) ...</script>`). `title` holds translatable text (with character
    /// references); `plaintext` has no end tag and runs to the end of the input.
    static let rawText: Set<String> = [
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext",
    ]

    /// SVG and MathML: `<svg/>` is a whole element there, and nothing inside is raw text
    /// (an SVG `<style>` or `<title>` holds markup).
    static let foreign: Set<String> = ["svg", "math"]
}
