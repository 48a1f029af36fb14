import Foundation

/// Sentence pairs as token ids (no <s>/</s>), in flat buffers with offsets:
/// pair i is `sourceTokens[sourceOffsets[i]..<sourceOffsets[i+1]]` and likewise
/// for the target.
///
/// File format (little-endian):
///     8 bytes   magic "MTCORPUS"
///     UInt32    format version (1)
///     UInt32    reserved, 0
///     UInt64    pair count P
///     UInt64    source token count S
///     UInt64    target token count T
///     UInt64    FNV-1a 64 of everything after this header
///     (P+1) x UInt64 source offsets, S x Int32 source ids,
///     (P+1) x UInt64 target offsets, T x Int32 target ids
public struct EncodedCorpus: Equatable, Sendable {
    public static let magic = Array("MTCORPUS".utf8)
    public static let version: UInt32 = 1
    static let headerSize = 48

    public private(set) var sourceTokens: [Int32] = []
    public private(set) var sourceOffsets: [Int] = [0]
    public private(set) var targetTokens: [Int32] = []
    public private(set) var targetOffsets: [Int] = [0]

    public init() {}

    public var count: Int { sourceOffsets.count - 1 }

    public mutating func append(source: [Int32], target: [Int32]) {
        sourceTokens += source
        sourceOffsets.append(sourceTokens.count)
        targetTokens += target
        targetOffsets.append(targetTokens.count)
    }

    public func source(_ i: Int) -> ArraySlice<Int32> { sourceTokens[sourceOffsets[i]..<sourceOffsets[i + 1]] }
    public func target(_ i: Int) -> ArraySlice<Int32> { targetTokens[targetOffsets[i]..<targetOffsets[i + 1]] }
    public func sourceLength(_ i: Int) -> Int { sourceOffsets[i + 1] - sourceOffsets[i] }
    public func targetLength(_ i: Int) -> Int { targetOffsets[i + 1] - targetOffsets[i] }

    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(16 * (count + 1) + 4 * (sourceTokens.count + targetTokens.count))
        func put<T>(_ values: [T]) { values.withUnsafeBytes { body.append(contentsOf: $0) } }
        put(sourceOffsets.map { UInt64($0).littleEndian })
        put(sourceTokens.map { $0.littleEndian })
        put(targetOffsets.map { UInt64($0).littleEndian })
        put(targetTokens.map { $0.littleEndian })
        var out = EncodedCorpus.magic
        func put64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        withUnsafeBytes(of: EncodedCorpus.version.littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(0)) { out.append(contentsOf: $0) }
        put64(UInt64(count))
        put64(UInt64(sourceTokens.count))
        put64(UInt64(targetTokens.count))
        put64(FNV1a.hash(body))
        return out + body
    }

    public init(bytes: [UInt8], location: String = "encoded corpus") throws {
        func fail(_ what: String) -> TextError { TextError(what, at: location) }
        guard bytes.count >= EncodedCorpus.headerSize else {
            if bytes.count >= 8, !bytes[0..<8].elementsEqual(EncodedCorpus.magic) { throw fail("not an encoded corpus (wrong magic)") }
            throw fail("truncated: \(bytes.count) bytes, shorter than the header")
        }
        guard bytes[0..<8].elementsEqual(EncodedCorpus.magic) else { throw fail("not an encoded corpus (wrong magic)") }
        func u64(_ at: Int) -> UInt64 { bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) } }
        let version = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) }
        guard version == EncodedCorpus.version else {
            throw fail("unsupported encoded corpus version \(version) (this build reads \(EncodedCorpus.version))")
        }
        let p = u64(16), s = u64(24), t = u64(32), checksum = u64(40)
        guard p < 1 << 40, s < 1 << 40, t < 1 << 40 else { throw fail("corrupt header") }
        let expected = EncodedCorpus.headerSize + Int(16 * (p + 1) + 4 * (s + t))
        guard bytes.count == expected else {
            throw fail(bytes.count < expected ? "truncated: \(bytes.count) bytes, expected \(expected)" : "\(bytes.count - expected) unexpected bytes at the end")
        }
        guard FNV1a.hash(bytes[EncodedCorpus.headerSize...]) == checksum else { throw fail("checksum mismatch: the file is corrupt") }
        var offset = EncodedCorpus.headerSize
        func take<T: FixedWidthInteger>(_ n: Int, _: T.Type) -> [T] {
            let values = [T](unsafeUninitializedCapacity: n) { buf, count in
                bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n * MemoryLayout<T>.size)]))
                }
                count = n
            }
            offset += n * MemoryLayout<T>.size
            return values.map { T(littleEndian: $0) }
        }
        // An offset past Int.max turns negative here, which the check below rejects.
        sourceOffsets = take(Int(p) + 1, UInt64.self).map { Int(truncatingIfNeeded: $0) }
        sourceTokens = take(Int(s), Int32.self)
        targetOffsets = take(Int(p) + 1, UInt64.self).map { Int(truncatingIfNeeded: $0) }
        targetTokens = take(Int(t), Int32.self)
        for (offsets, total) in [(sourceOffsets, Int(s)), (targetOffsets, Int(t))] {
            guard offsets.first == 0, offsets.last == total, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw fail("corrupt offsets")
            }
        }
    }

    public static func load(path: String) throws -> EncodedCorpus {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TextError(FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file", at: path)
        }
        return try EncodedCorpus(bytes: [UInt8](data), location: path)
    }

    /// Ids outside `0..<sourceSize` / `0..<targetSize`, if any (a mismatched vocabulary).
    public func validate(sourceSize: Int, targetSize: Int, location: String) throws {
        if let bad = sourceTokens.first(where: { $0 < 0 || Int($0) >= sourceSize }) {
            throw TextError("source id \(bad) is outside the vocabulary of \(sourceSize)", at: location)
        }
        if let bad = targetTokens.first(where: { $0 < 0 || Int($0) >= targetSize }) {
            throw TextError("target id \(bad) is outside the vocabulary of \(targetSize)", at: location)
        }
    }
}
