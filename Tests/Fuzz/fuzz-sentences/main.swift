import Foundation
import FuzzSupport
import MTText

/// The sentence splitter on any bytes, in each of its languages, with and without line
/// breaks ending sentences: no crash; the sentences and separators give back the text byte
/// for byte; no sentence is empty or has white space at either end; joining other texts in
/// place of the sentences keeps every line break (where line breaks end sentences).
nonisolated(unsafe) let splitters = try! ["en", "de", "fr", "zh", "th", ""].map { try SentenceSplitter(language: $0) }

func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    guard count > 0 else { return 0 }
    let splitter = splitters[Int(input[0] >> 1) % splitters.count]
    let lineBreaks = input[0] & 1 == 0
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    let segments = splitter.split(text, lineBreaks: lineBreaks)
    expect(segments.text.utf8.elementsEqual(text.utf8), "split and joined, the text differs: \(Array(text.unicodeScalars))")
    expect(segments.separators.count == segments.sentences.count + 1, "separators do not surround the sentences")
    expect(segments.sentences.allSatisfy { s in
        !s.isEmpty && !s.unicodeScalars.first!.properties.isWhitespace && !s.unicodeScalars.last!.properties.isWhitespace
    }, "a sentence is empty or has white space at an end: \(Array(text.unicodeScalars))")
    expect(segments.separators.allSatisfy { $0.unicodeScalars.allSatisfy(\.properties.isWhitespace) },
           "a separator holds more than white space: \(Array(text.unicodeScalars))")
    let others = segments.joined(segments.sentences.map { _ in "我。" })
    let breaks = { (s: String) in s.unicodeScalars.filter { [0x0A, 0x0D, 0x2028, 0x2029, 0x85, 0x0B, 0x0C].contains($0.value) }.count }
    expect(!lineBreaks || breaks(others) == breaks(text), "joining other sentences lost a line break: \(Array(text.unicodeScalars))")
    return 0
}

runFuzzer { fuzzOneInput($0, $1) }
