import Foundation
import FuzzSupport
import MTText

/// The HTML walker on any bytes: no crash; every unit rendered as itself, each word linked
/// to itself, gives back the input byte for byte; and units rendered with their words in
/// reverse (plus a word to escape) read back, walked again, as those translations.
func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let html = String(decoding: inputBytes(pointer, count), as: UTF8.self)
    let document = HTMLDocument(html)
    let back = document.rendered(document.units.map { .untranslated($0) })
    expect(back.utf8.elementsEqual(html.utf8), "the untranslated rendering differs from the input: \(Array(html.unicodeScalars))")

    let reversed = document.units.map { unit -> HTMLUnitTranslation in
        let words = unit.unicodeScalars.split(whereSeparator: isWhiteSpace).map { String(String.UnicodeScalarView($0)) }
        let n = words.count
        return HTMLUnitTranslation(
            text: (words.reversed() + ["<&>"]).joined(separator: " "),
            links: (0..<n).map { HTMLUnitTranslation.Link(source: $0, target: n - 1 - $0) })
    }
    let rendered = HTMLDocument(document.rendered(reversed))
    // A `<br>` that lands inside a word parts it, so white space is left out of the comparison.
    expect(rendered.units.map(withoutWhiteSpace) == reversed.map { withoutWhiteSpace($0.text) },
           "the reversed rendering does not read back: \(Array(html.unicodeScalars))")
    return 0
}

func isWhiteSpace(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
    default: return false
    }
}

func withoutWhiteSpace(_ s: String) -> String {
    String(String.UnicodeScalarView(s.unicodeScalars.filter { !isWhiteSpace($0) }))
}

runFuzzer { fuzzOneInput($0, $1) }
