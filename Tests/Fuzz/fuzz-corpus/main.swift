import Foundation
import FuzzSupport
import MTText

/// The encoded corpus reader (`train.bin`, `valid.bin`) on any bytes, as given and with
/// the checksum made right (so the fuzzer gets past it to the counts and offsets): an
/// error, or a corpus whose every pair can be read.
func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    var bytes = [UInt8](input)
    check(bytes)
    if bytes.count >= 48 {
        let sum = FNV1a.hash(bytes[48...])
        for i in 0..<8 { bytes[40 + i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(i))) }
        check(bytes)
    }
    return 0
}

func check(_ bytes: [UInt8]) {
    guard let corpus = try? EncodedCorpus(bytes: bytes) else { return }
    _ = try? corpus.validate(sourceSize: 16, targetSize: 16, location: "fuzz")
    var total = 0
    for i in 0..<corpus.count {
        expect(corpus.source(i).count == corpus.sourceLength(i) && corpus.target(i).count == corpus.targetLength(i), "pair \(i): lengths")
        total &+= corpus.source(i).reduce(0) { $0 &+ Int($1) } &+ corpus.target(i).reduce(0) { $0 &+ Int($1) }
    }
    expect((try? EncodedCorpus(bytes: corpus.encoded()))?.count == corpus.count, "the corpus does not write back")
}

runFuzzer { fuzzOneInput($0, $1) }
