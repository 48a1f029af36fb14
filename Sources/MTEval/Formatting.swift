#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Number formatting identical to Python's, which sacreBLEU's output depends on.
public enum PythonFormat {
    /// Python's `f"{x:.{digits}f}"`. Both it and C's printf round the exact binary value
    /// correctly, with ties (exactly representable halves) to even: 0.125 -> "0.12",
    /// 2.675 -> "2.67" because 2.675 is stored as 2.67499999...
    public static func fixed(_ x: Double, digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let format = "%.\(max(0, digits))f"
        var needed = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
        if Int(needed) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(needed) + 1)
            needed = withVaList([x]) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        return String(decoding: buffer.prefix(Int(needed)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Python's `repr(float)`: the shortest string that reads back as the same double.
    /// Swift's `description` uses the same shortest-digits rule; only the exponent
    /// spelling differs ("1e-05" in both, but Python writes "1e+16" where Swift does too).
    public static func repr(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
        return x.description
    }
}
