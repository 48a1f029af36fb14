import Foundation
import FuzzSupport
import MTModelFile
import MTTensor
import MTText

/// The safetensors reader on any bytes, as a bare file, a model file and a shortlist
/// file: an error or a file whose every tensor can be read, never a crash or a read out
/// of bounds (address sanitizer).
let path = "/dev/shm/fuzz-safetensors-\(getpid()).safetensors"
nonisolated(unsafe) let vocabulary = Vocabulary(counts: {
    var c = WordCounts()
    for w in ["a", "b", "c", "d"] { c.add(w) }
    return c
}())

func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    let bytes = [UInt8](input)
    if let file = try? SafeTensorsFile(bytes: bytes) {
        for name in file.names {
            _ = try? file.withRawBytes(of: name) { raw in raw.reduce(0 as UInt8) { $0 &+ $1 } }
            if let t = try? file.tensor(name, as: Float.self) { expect(t.count == t.shape.reduce(1, *), "tensor \(name): \(t.count) values for shape \(t.shape)") }
        }
    }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fatalError("cannot write \(path)") }
    _ = try? ModelFile.load(path)
    _ = try? Shortlist.load(path, sourceVocabulary: vocabulary, targetVocabulary: vocabulary)
    return 0
}

// FUZZ_WRITE_SEED=PATH writes a shortlist of this target's vocabularies to PATH (a seed
// that gets past the vocabulary check), then fuzzes as usual.
if let seed = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEED"] {
    let shortlist = Shortlist(
        sourceVocabularySize: vocabulary.count, targetVocabularySize: vocabulary.count, frequent: [4, 5],
        translations: (0..<vocabulary.count).map { [Int32($0 % vocabulary.count), 6] })
    try! shortlist.write(to: seed, sourceVocabulary: vocabulary, targetVocabulary: vocabulary)
}

runFuzzer { fuzzOneInput($0, $1) }
