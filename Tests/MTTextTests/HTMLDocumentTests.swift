import Testing
@testable import MTText

@Suite struct HTMLDocumentTests {
    /// The document rendered with every unit as itself, each word linked to itself.
    func identity(_ html: String) -> String {
        let document = HTMLDocument(html)
        return document.rendered(document.units.map { .untranslated($0) })
    }

    func translation(_ text: String, _ links: [(Int, Int)]) -> HTMLUnitTranslation {
        HTMLUnitTranslation(text: text, links: links.map { .init(source: $0.0, target: $0.1) })
    }

    /// Every piece of markup of `html`, in order: tags, comments, declarations.
    func markup(_ html: String) -> [String] {
        let bytes = Array(html.utf8)
        var tokenizer = HTMLTokenizer(bytes)
        var pieces: [String] = []
        while let token = tokenizer.next() {
            if token.kind != .text { pieces.append(String(decoding: bytes[token.range], as: UTF8.self)) }
        }
        return pieces
    }

    /// Whether the start and end tags of `html` nest properly (void elements aside).
    func nestsProperly(_ html: String) -> Bool {
        let bytes = Array(html.utf8)
        var tokenizer = HTMLTokenizer(bytes)
        var open: [String] = []
        while let token = tokenizer.next() {
            if token.kind == .startTag && !HTMLElements.voidInline.contains(token.name) { open.append(token.name) }
            if token.kind == .endTag && open.popLast() != token.name { return false }
        }
        return open.isEmpty
    }

    // MARK: units

    @Test func paragraphsAndListItemsAreUnits() {
        let html = "<p>Hello <b>big</b> world.</p>\n<ul>\n  <li>One</li>\n  <li> Two <em>three</em> </li>\n</ul>"
        #expect(HTMLDocument(html).units == ["Hello big world.", "One", "Two three"])
        #expect(identity(html) == html)
    }

    @Test func tableCellsHeadingsAndTitleAreUnits() {
        let html = "<html><head><title>A &amp; B</title></head><body><h1>Title</h1>"
            + "<table><tr><th>Name</th><td>Anna  Smith</td><td> </td></tr></table></body></html>"
        #expect(HTMLDocument(html).units == ["A & B", "Title", "Name", "Anna  Smith"])
        #expect(identity(html) == html)
    }

    @Test func nestedInlineElementsStayInOneUnit() {
        let html = #"<p><a href="/x"><b>Bold <i>and italic</i></b> link</a>, <span class="c">more</span>.</p>"#
        #expect(HTMLDocument(html).units == ["Bold and italic link, more."])
    }

    @Test func unknownElementsAreBoundaries() {
        #expect(HTMLDocument("<p>one<my-widget>two</my-widget>three</p>").units == ["one", "two", "three"])
    }

    @Test func lineBreakPartsWordsButIsNoBoundary() {
        let html = "<p>Line one<br>line two<br/></p><p>a <br> b</p>"
        #expect(HTMLDocument(html).units == ["Line one line two", "a  b"])
        #expect(identity(html) == html)
        let document = HTMLDocument("<p>Line one<br>line two</p>")
        let rendered = document.rendered([translation("Zeile eins Zeile zwei", [(0, 0), (1, 1), (2, 2), (3, 3)])])
        #expect(rendered == "<p>Zeile eins<br>Zeile zwei</p>")
    }

    @Test func scriptStylePreCodeAndTextareaAreKept() {
        let html = #"<script>var s = "<p>not text</p>"; if (a<b) {}</script><style>p > b { color: red }</style>"#
            + "<pre>keep <b>this</b>\n  as is</pre><p>Use <code>ls -l</code> here.</p><textarea>typed <i>text</i></textarea>"
            + "<svg><title>icon</title><text>label</text></svg>"
        let document = HTMLDocument(html)
        #expect(document.units == ["Use  here."])
        #expect(identity(html) == html)
        let rendered = document.rendered([translation("Benutze hier.", [(0, 0), (1, 1)])])
        #expect(rendered.contains("<p>Benutze <code>ls -l</code>hier.</p>"))
        #expect(rendered.hasPrefix(#"<script>var s = "<p>not text</p>"; if (a<b) {}</script>"#))
    }

    @Test func commentsAndDoctypeAreKept() {
        let html = "<!DOCTYPE html>\n<!-- header --><p>Hello <!-- inline --> world</p><!-- end -->"
        #expect(HTMLDocument(html).units == ["Hello  world"])
        #expect(identity(html) == html)
    }

    @Test func greaterThanInsideQuotedAttributesDoesNotEndTheTag() {
        let html = #"<p title="a > b" data-x='<i>'>Text <a href="/q?a=1&amp;b=2" title=">">here</a></p>"#
        #expect(HTMLDocument(html).units == ["Text here"])
        #expect(identity(html) == html)
    }

    @Test func characterReferencesAreDecodedInText() {
        let html = #"<p title="&amp;">Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&apos; &#x263A; &eacute;t&eacute; &mdash;"#
            + " caf&eacute;&nbsp;au lait&hellip; &laquo;&euro;&raquo; &copy 2024 &bogus; &#0;&#128;&#x110000; &notit; &amp</p>"
        #expect(HTMLDocument(html).units == [
            "Tom & Jerry <3 \"x\" 'y' ☺ été — café\u{A0}au lait… «€» © 2024 &bogus; \u{FFFD}€\u{FFFD} ¬it; &",
        ])
        #expect(identity(html) == html)
    }

    @Test func whiteSpaceAroundAUnitStaysOutsideIt() {
        let html = "<p>\n  Hello\n  world \n</p>"
        let document = HTMLDocument(html)
        #expect(document.units == ["Hello\n  world"])
        #expect(document.rendered([translation("Hallo Welt", [(0, 0), (1, 1)])]) == "<p>\n  Hallo Welt \n</p>")
    }

    @Test func blocksWithoutTextAreNoUnits() {
        let html = "<div>  <br>  </div><p>&nbsp;</p><p><img src=x></p><p>x</p>"
        #expect(HTMLDocument(html).units == ["x"])
        #expect(identity(html) == html)
    }

    @Test func malformedInputIsReadAsABrowserReadsIt() {
        let cases: [(String, [String])] = [
            ("a < b and c <3 d", ["a < b and c <3 d"]),
            ("<p>unclosed tag <b", ["unclosed tag"]),
            ("text <!-- unclosed comment", ["text"]),
            ("</b>stray end <b>unclosed start", ["stray end unclosed start"]),
            ("<b><i>x</b></i> y", ["x y"]),
            ("a</>b</ x>c<?php echo 1 ?>d<!e>f", ["abcdf"]),
            ("<p>before<code>never closed <b>x</b>", ["before"]),
            ("<script>unclosed", []),
            ("x &amp", ["x &"]),
            ("x </", ["x </"]),
            ("<", ["<"]),
            ("", []),
        ]
        for (html, units) in cases {
            #expect(HTMLDocument(html).units == units, "\(html)")
            #expect(identity(html) == html, "\(html)")
        }
    }

    // MARK: rendering translations

    @Test func elementWrapsTheAlignedWords() {
        let document = HTMLDocument("<p>Das ist <b>ein Haus</b>.</p>")
        #expect(document.units == ["Das ist ein Haus."])
        // "Haus." is one word, linked to "house" and "."; only "house" is like the part in <b>.
        let rendered = document.rendered([translation("This is a house .", [(0, 0), (1, 1), (2, 2), (3, 3), (3, 4)])])
        #expect(rendered == "<p>This is <b>a house</b> .</p>")
    }

    @Test func elementsFollowReorderedWords() {
        let document = HTMLDocument(#"<p>The <b>red</b> car, <a href="/c">click</a> <i>now</i></p>"#)
        let links = [(0, 0), (1, 2), (2, 1), (2, 3), (3, 4), (4, 5)]
        let rendered = document.rendered([translation("La voiture rouge : cliquez maintenant", links)])
        #expect(rendered == #"<p>La voiture <b>rouge</b> : <a href="/c">cliquez</a> <i>maintenant</i></p>"#)
    }

    @Test func nestingStaysValid() {
        let cases: [(String, String, [(Int, Int)])] = [
            (##"<p><a href="#"><b>very</b> big</a> house</p>"##, "casa muy grande", [(0, 1), (1, 2), (2, 0)]),
            ("<p><b>a b</b> <i>c</i></p>", "x y z", [(0, 0), (1, 2), (2, 1)]),
            ("<p><i>Hello</i> <b>world</b></p>", "Welt Hallo", [(0, 1), (1, 0)]),
            ("<p><b>one <i>two</i> three</b> four</p>", "vier drei zwei eins", [(0, 3), (1, 2), (2, 1), (3, 0)]),
            ("<p><span><b>a</b><i>b</i></span> c</p>", "c b a", [(0, 2), (0, 0), (1, 1)]),
        ]
        for (html, text, links) in cases {
            let rendered = HTMLDocument(html).rendered([translation(text, links)])
            #expect(nestsProperly(rendered), "\(rendered)")
            #expect(markup(rendered).sorted() == markup(html).sorted(), "\(rendered)")
        }
        #expect(HTMLDocument(##"<p><a href="#"><b>very</b> big</a> house</p>"##).rendered([translation("casa muy grande", [(0, 1), (1, 2), (2, 0)])])
            == ##"<p>casa <a href="#"><b>muy</b> grande</a></p>"##)
    }

    @Test func unalignedAndEmptyElementsFollowTheNearestAlignedWordBefore() {
        let document = HTMLDocument(#"<p>Hello <a id="x"></a>world<img src="i.png"> again</p>"#)
        let rendered = document.rendered([translation("Bonjour monde encore", [(0, 0), (2, 2)])])
        #expect(rendered == #"<p>Bonjour<img src="i.png"> <a id="x"></a>monde encore</p>"#)
        #expect(HTMLDocument(#"<p>Click <a href="/x">here</a></p>"#).rendered([translation("", [])]) == #"<p><a href="/x"></a></p>"#)
    }

    @Test func titleTextKeptAsWrittenCannotEndTheTitle() {
        // `</title` not followed by white space, `/` or `>` is text in a title; followed by the
        // space of a translation it would end the title, so its `<` is escaped there.
        let html = "<title>t</title</title>"
        let document = HTMLDocument(html)
        #expect(document.units == ["t</title"])
        #expect(identity(html) == html)
        let rendered = document.rendered([translation("t</title <&>", [(0, 0)])])
        #expect(rendered == "<title>t&lt;/title &lt;&amp;&gt;</title>")
        #expect(HTMLDocument(rendered).units == ["t</title <&>"])
        let partly = HTMLDocument("<title>a</tit b</title>").rendered([translation("b a</tit", [(0, 1), (1, 0)])])
        #expect(partly == "<title>b a</tit</title>")
        #expect(HTMLDocument("<title>a</titx</title>").rendered([translation("a</tit", [(0, 0)])]) == "<title>a&lt;/tit</title>")
    }

    @Test func translationsAreEscapedAndBadLinksIgnored() {
        let document = HTMLDocument("<p>Tom &amp; Jerry</p><p>x</p>")
        let rendered = document.rendered([
            translation("Jerry & Tom", [(0, 2), (1, 1), (2, 0), (7, 0), (0, 9), (-1, -1)]),
            translation("a < b > c", []),
        ])
        #expect(rendered == "<p>Jerry &amp; Tom</p><p>a &lt; b &gt; c</p>")
    }

    @Test func aWrongNumberOfTranslationsIsAMistake() async {
        await #expect(processExitsWith: .failure) {
            _ = HTMLDocument("<p>x</p>").rendered([])
        }
    }

    // MARK: properties

    static let pieces = [
        "<p>", "</p>", "<b>", "</b>", "<i>", "</i>", "<B>", "</EM>", "<em>", "<span class=\"c\">", "</span>", "<a href=\"x>y\">",
        "</a>", "<br>", "<br/>", "<img src=a alt='b>c'>", "<div class=x>", "</div>", "<li>", "<td>", "<custom-el>", "<sub>",
        "</sub>", "<code>", "</code>", "<pre>", "</pre>", "<script>", "</script>", "<style>", "</style>", "<title>", "</title>",
        "<textarea>", "</textarea>", "<svg>", "</svg>", "<svg/>", "<!--", "-->", "<!-- c -->", "<!DOCTYPE html>", "<?x?>",
        "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&eacute;", "&mdash;", "&#x41;", "&#65", "&copy", "&foo;", "&",
        "&#", "&not", "in;", "amp;", "<", ">", "</", "<!", "</>", "</ x>", "\"", "'", "=", "Hello", "world", "Haus", "ein",
        "x", " ", "  ", "\n", "\t", "\r\n",
    ]

    /// Random HTML-ish text: markup pieces, some malformed, among random scripts, white space,
    /// controls and invalid UTF-8 (RandomText).
    static func randomHTML(_ rng: inout SplitMix64) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...30, using: &rng) {
            if Int.random(in: 0..<4, using: &rng) == 0 {
                s += String(decoding: RandomText.line(&rng).prefix(12), as: UTF8.self)
            } else {
                s += pieces.randomElement(using: &rng)!
            }
        }
        return s
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func untranslatedUnitsGiveTheInputBack(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let html = Self.randomHTML(&rng)
            #expect(identity(html) == html, "\(Array(html.unicodeScalars))")
        }
    }

    @Test(arguments: [5, 6] as [UInt64])
    func scrambledTranslationsKeepEveryTag(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let html = Self.randomHTML(&rng)
            let document = HTMLDocument(html)
            let translations: [HTMLUnitTranslation] = document.units.map { unit in
                var words = unit.unicodeScalars.split(whereSeparator: HTMLWords.isWhiteSpace).map { String(String.UnicodeScalarView($0)) }
                words.shuffle(using: &rng)
                if Bool.random(using: &rng) { words.append("<&>") }
                let links = (0..<Int.random(in: 0...(2 * words.count), using: &rng)).map { _ in
                    (Int.random(in: -1...words.count, using: &rng), Int.random(in: -1...words.count, using: &rng))
                }
                return translation(words.joined(separator: " "), links)
            }
            let rendered = document.rendered(translations)
            // Raw text (script, title...) holds no markup, but a plain tokenizer would find some.
            if !["<script", "<style", "<title", "<textarea"].contains(where: html.contains) {
                #expect(markup(rendered).sorted() == markup(html).sorted(), "\(html) -> \(rendered)")
            }
        }
    }

    @Test func aLargePageRoundTrips() {
        var page = "<!DOCTYPE html><html><head><title>Page</title><style>p { margin: 0 }</style></head><body>\n"
        for k in 0..<1500 {
            page += "<div class=\"row\"><p>Paragraph \(k) with <a href=\"/p/\(k)\">a link</a>, <b>bold <i>text</i></b> &amp; more.</p></div>\n"
        }
        page += "</body></html>"
        #expect(page.utf8.count > 100_000)
        let document = HTMLDocument(page)
        #expect(document.units.count == 1501)
        #expect(identity(page) == page)
    }

    @Test func deepNestingNeedsNoDeepRecursion() {
        let html = String(repeating: "<b>", count: 20_000) + "x y" + String(repeating: "</b>", count: 20_000)
        let document = HTMLDocument(html)
        #expect(document.units == ["x y"])
        #expect(identity(html) == html)
        #expect(nestsProperly(document.rendered([translation("y x", [(0, 1), (1, 0)])])))
    }
}
