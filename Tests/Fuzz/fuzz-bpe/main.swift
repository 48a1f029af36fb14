import Foundation
import FuzzSupport
import MTText

/// BPE codes read from the bytes before the first NUL, applied to the words of the rest:
/// bad codes are an error, never a crash, and any codes keep the round trip
/// (the subwords detokenise to the normalised line, each word's segments join to it).
nonisolated(unsafe) let tokenizer = try! WordTokenizer()

func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    let bytes = input
    let cut = bytes.firstIndex(of: 0) ?? count
    let codesText = String(decoding: bytes[0..<cut], as: UTF8.self)
    let line = String(decoding: bytes[min(cut + 1, count)...], as: UTF8.self)
    guard let codes = try? BPECodes(text: codesText) else { return 0 }
    expect((try? BPECodes(text: codes.text)) == codes, "the codes' text does not read back")
    let bpe = BPE(codes: codes)
    let words = tokenizer.tokenize(line)
    let subwords = bpe.apply(words)
    expect(subwords.detokenized == tokenizer.normalize(line), "BPE broke the round trip")
    for w in words { expect(bpe.segment(w.text).joined() == w.text, "segments do not join to the word") }
    return 0
}

runFuzzer { fuzzOneInput($0, $1) }
