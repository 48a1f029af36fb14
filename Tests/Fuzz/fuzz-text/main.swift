import Foundation
import FuzzSupport
import MTText

/// The normaliser, word tokenizer and detokenizer on any bytes: no crash, normalising
/// is idempotent, and detokenising the tokens (also through their text form) gives back
/// the normalised line.
nonisolated(unsafe) let tokenizers = [try! WordTokenizer(), try! WordTokenizer(lowercase: true, locale: "tr")]

func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    guard count > 0 else { return 0 }
    let tokenizer = tokenizers[Int(input[0] & 1)]
    let line = String(decoding: input.dropFirst(), as: UTF8.self)
    let normalized = tokenizer.normalize(line)
    expect(tokenizer.normalize(normalized) == normalized, "normalising twice changes \(Array(line.unicodeScalars))")
    let tokens = tokenizer.tokenize(line)
    expect(tokens.detokenized == normalized, "detokenize(tokenize(line)) is not the normalised line: \(Array(line.unicodeScalars))")
    expect([Token](textForm: tokens.textForm) == tokens, "the text form does not read back")
    expect(tokens.allSatisfy { !$0.text.isEmpty }, "an empty token")
    return 0
}

runFuzzer { fuzzOneInput($0, $1) }
