/// FNV-1a, 64-bit: a stable content hash (CryptoKit is not available on Linux,
/// and Swift's Hasher is seeded per process).
public enum FNV1a {
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// Sixteen lowercase hex digits of the hash of the UTF-8 bytes of `text`.
    public static func hex(_ text: String) -> String {
        let h = hash(text.utf8)
        let digits = String(h, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
