import Testing
@testable import MTText

@Suite struct EncodedCorpusTests {
    func sample() -> EncodedCorpus {
        var c = EncodedCorpus()
        c.append(source: [4, 5, 6], target: [7])
        c.append(source: [], target: [])
        c.append(source: [9], target: [10, 11])
        return c
    }

    @Test func bytesRoundTrip() throws {
        let c = sample()
        let back = try EncodedCorpus(bytes: c.encoded())
        #expect(back == c)
        #expect(Array(back.source(0)) == [4, 5, 6])
        #expect(Array(back.target(2)) == [10, 11])
        #expect(back.sourceLength(1) == 0)
    }

    @Test func wrongMagicVersionTruncationAndCorruption() {
        var bytes = sample().encoded()
        func message(_ b: [UInt8]) -> String {
            do { _ = try EncodedCorpus(bytes: b, location: "f"); return "" } catch { return "\(error)" }
        }
        #expect(message(Array("NOTACORPUS".utf8) + bytes) == "not an encoded corpus (wrong magic) (f)")
        #expect(message(Array(bytes.dropLast(3))).hasPrefix("truncated:"))
        #expect(message(Array(bytes.prefix(20))).hasPrefix("truncated:"))
        #expect(message(bytes + [0]).hasSuffix("unexpected bytes at the end (f)"))
        var versioned = bytes
        versioned[8] = 9
        #expect(message(versioned) == "unsupported encoded corpus version 9 (this build reads 1) (f)")
        bytes[bytes.count - 1] ^= 1
        #expect(message(bytes) == "checksum mismatch: the file is corrupt (f)")
    }

    /// Found by fuzzing (fuzz-corpus): an offset of 2^63 or more with a right checksum
    /// trapped converting it to Int; it is a corrupt file like any other bad offset.
    @Test(arguments: [UInt64(1) << 63, UInt64.max, 5])
    func anOffsetOutOfRangeIsCorruptNotACrash(offset: UInt64) {
        var bytes = sample().encoded()
        // The second source offset, after the 48-byte header and the first (0).
        for i in 0..<8 { bytes[48 + 8 + i] = UInt8(truncatingIfNeeded: offset >> (8 * UInt64(i))) }
        let sum = FNV1a.hash(bytes[48...])
        for i in 0..<8 { bytes[40 + i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(i))) }
        #expect(throws: TextError("corrupt offsets", at: "f")) { _ = try EncodedCorpus(bytes: bytes, location: "f") }
    }
}
