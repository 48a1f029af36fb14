import Foundation
import Testing
@testable import MTTensor

/// A fresh directory under the system temporary directory.
func makeSafeTensorsTestDirectory() -> String {
    let dir = NSTemporaryDirectory() + "safetensors-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

private func sampleWriter() throws -> SafeTensorsWriter {
    var w = SafeTensorsWriter(metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n ünï"])
    try w.add("encoder.weight", Tensor<Float>([2, 3], values: [1, -2, 3.5, .pi, -0.0, 1e-30]))
    try w.add("bias", Tensor<Float>([3], values: [0.25, .greatestFiniteMagnitude, -7]))
    try w.add("scalar", Tensor<Float>([], values: [42]))
    try w.add("empty", Tensor<Float>([0, 4]))
    try w.add("wide", Tensor<Double>([2], values: [1.0 / 3, -2e300]), dtype: .f64)
    return w
}

@Suite struct SafeTensorsTests {
    @Test func roundTripKeepsNamesShapesMetadataAndExactBits() throws {
        let w = try sampleWriter()
        let bytes = w.serialized()
        let f = try SafeTensorsFile(bytes: bytes)
        // F64 first (alignment), then insertion order.
        #expect(f.names == ["wide", "encoder.weight", "bias", "scalar", "empty"])
        #expect(f.metadata == w.metadata)
        #expect(f["encoder.weight"]?.shape == [2, 3])
        #expect(f["scalar"]?.shape == [] && f["scalar"]?.elementCount == 1)
        #expect(f["empty"]?.shape == [0, 4])
        let e = try f.tensor("encoder.weight", as: Float.self)
        let expected: [Float] = [1, -2, 3.5, .pi, -0.0, 1e-30]
        #expect(e.values.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(try f.tensor("bias", as: Float.self).values == [0.25, .greatestFiniteMagnitude, -7])
        #expect(try f.tensor("wide", as: Double.self).values == [1.0 / 3, -2e300])
        // Conversion both ways.
        #expect(try f.tensor("bias", as: Double.self).values == [0.25, Double(Float.greatestFiniteMagnitude), -7])
        #expect(try f.tensor("wide", as: Float.self).values[0] == Float(1.0 / 3))
        // Header is padded so the data starts 8-aligned, and only with spaces.
        var n = 0
        for k in 0..<8 { n |= Int(bytes[k]) << (8 * k) }
        #expect((8 + n) % 8 == 0)
        #expect(bytes[8] == UInt8(ascii: "{"))
    }

    @Test func fileRoundTripAndReadIntoChecksShape() throws {
        let dir = makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/m.safetensors"
        try sampleWriter().write(to: path)
        let f = try SafeTensorsFile(contentsOf: path)
        #expect(f.path == path)
        let t = Tensor<Float>([2, 3])
        try f.read("encoder.weight", into: t)
        #expect(t[2] == 3.5)
        #expect(throws: SafeTensorsError.self) { try f.read("encoder.weight", into: Tensor<Float>([3, 2])) }
        do {
            _ = try f.tensor("nope", as: Float.self)
            Issue.record("expected an error")
        } catch let e as SafeTensorsError {
            #expect(e.kind == .missingTensor)
            #expect(e.description.contains("nope") && e.description.contains(path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.safetensors"])
    }

    @Test func writerRejectsDuplicateAndReservedNames() throws {
        var w = SafeTensorsWriter()
        try w.add("a", Tensor<Float>([1]))
        #expect(throws: SafeTensorsError.self) { try w.add("a", Tensor<Float>([1])) }
        #expect(throws: SafeTensorsError.self) { try w.add("__metadata__", Tensor<Float>([1])) }
        #expect(throws: SafeTensorsError.self) { try w.add("b", dtype: .f32, shape: [2], bytes: [0, 0, 0, 0]) }
    }

    /// Builds a file from a literal header and data, for hand-made corruptions.
    private func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        let n = declaredLength ?? UInt64(h.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + data
    }

    private func expectCorrupt(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SafeTensorsFile(bytes: bytes, path: "x.safetensors")
            Issue.record("accepted a corrupt file", sourceLocation: sourceLocation)
        } catch let e as SafeTensorsError {
            #expect(e.kind == .corrupt, sourceLocation: sourceLocation)
            #expect(e.description.contains(fragment), "\(e)", sourceLocation: sourceLocation)
            #expect(e.description.hasPrefix("invalid safetensors file: "), sourceLocation: sourceLocation)
            #expect(e.description.hasSuffix("(x.safetensors)"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func specificCorruptionsGiveClearErrors() {
        let four: [UInt8] = [0, 0, 128, 63]
        let ok = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        #expect((try? SafeTensorsFile(bytes: file(header: ok, data: four))) != nil)
        expectCorrupt([1, 2, 3], "too short")
        expectCorrupt(file(header: ok, data: four, declaredLength: 1 << 40), "larger than the limit")
        expectCorrupt(file(header: ok, data: four, declaredLength: 1000), "past the end")
        expectCorrupt(file(header: "[1]"), "start with '{'")
        expectCorrupt(file(header: #"{"a":}"#), "not valid JSON")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{}}"#, data: four), "duplicate key")
        expectCorrupt(file(header: #"{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: four), "unknown dtype \"F33\"")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: four), "needs 8 bytes")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: four), "non-negative")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: four), "non-negative")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#, data: four), "too many")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: four), "run past")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: four), "reversed")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: four + four), "cover 4 of the 8")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: four + four), "gap")
        expectCorrupt(
            file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                 data: four + four), "overlaps")
        expectCorrupt(file(header: #"{"a":{"dtype":"F32","shape":[1]}}"#, data: four), "no \"data_offsets\"")
        expectCorrupt(file(header: #"{"__metadata__":{"k":1}}"#), "not a string")
        expectCorrupt(file(header: String(repeating: "[", count: 200)), "start with '{'")
        expectCorrupt(file(header: "{\"a\":" + String(repeating: "[", count: 200)), "too deep")
        expectCorrupt(file(header: "{\"\u{1}\":1}"), "control character")
        var badUTF8 = file(header: #"{"__metadata__":{"k":"v"}}"#)
        badUTF8[30] = 0xFF  // inside the value "v"
        expectCorrupt(badUTF8, "invalid UTF-8")
        #expect(strictUTF8String([0x61, 0xC3, 0xA9]) == "aé" && strictUTF8String([0x61, 0xC3]) == nil)
    }

    @Test func spacePaddedHeaderAndEscapesAreAccepted() throws {
        let f = try SafeTensorsFile(bytes: file(
            header: #"{"__metadata__":{"k\u00e9":"v\ud83d\ude00"},"a\/b":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}   "#,
            data: [0, 0, 128, 63]))
        #expect(f.metadata == ["ké": "v😀"])
        #expect(try f.tensor("a/b", as: Float.self).values == [1])
    }

    @Test func nonNumericDTypesValidateButDoNotReadAsNumbers() throws {
        let f = try SafeTensorsFile(bytes: file(header: #"{"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 1, count: 8)))
        #expect(f["i"]?.dtype == .i64)
        #expect(throws: SafeTensorsError.self) { _ = try f.tensor("i", as: Float.self) }
        try f.withRawBytes(of: "i") { #expect($0.count == 8) }
    }

    @Test func everyTruncationAndRandomByteFlipsThrowOrLoadButNeverTrap() throws {
        let bytes = try sampleWriter().serialized()
        for cut in 0..<bytes.count {
            #expect(throws: SafeTensorsError.self) { _ = try SafeTensorsFile(bytes: Array(bytes[..<cut])) }
        }
        let rng = SeededRandom(seed: 99)
        var loaded = 0
        for _ in 0..<3000 {
            var b = bytes
            for _ in 0..<(1 + rng.int(below: 3)) {
                b[rng.int(below: b.count)] ^= UInt8(1 << rng.int(below: 8))
            }
            if let f = try? SafeTensorsFile(bytes: b) {
                loaded += 1
                for name in f.names { _ = try? f.tensor(name, as: Float.self) }
            }
        }
        // Flips in the data section (and some in the header) still load.
        #expect(loaded > 0)
    }

    @Test func writeReplacesTheFileAndLeavesNothingElse() throws {
        let dir = makeSafeTensorsTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try sampleWriter().write(to: path)
        #expect(try SafeTensorsFile(contentsOf: path).names.count == 5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["model.safetensors"])
    }

    @Test func readingMissingFileNamesIt() {
        do {
            _ = try SafeTensorsFile(contentsOf: "/nonexistent/file.safetensors")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("/nonexistent/file.safetensors"))
        }
    }
}
