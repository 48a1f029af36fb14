#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one source of randomness: xoshiro256** seeded through SplitMix64.
///
/// Same seed and same call sequence give the same numbers on every machine, and
/// the state can be saved and restored so a resumed run continues the sequence.
public final class SeededRandom {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The generator's state, to save with a checkpoint.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public init(seed: UInt64) {
        var z = seed
        var s = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            s[i] = x ^ (x >> 31)
        }
        (s0, s1, s2, s3) = (s[0], s[1], s[2], s[3])
    }

    /// Restores a state captured from `state`.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    @inlinable
    public func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable @inline(__always)
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable
    public func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Uniform integer in 0..<n (n > 0), without modulo bias.
    public func int(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let threshold = (0 &- bound) % bound
        while true {
            let r = next()
            if r >= threshold { return Int(r % bound) }
        }
    }

    /// Standard normal (Box–Muller).
    public func normal() -> Double {
        let u1 = Swift.max(uniform(), 0x1.0p-53)
        let u2 = uniform()
        return (-2 * Glibc.log(u1)).squareRoot() * Glibc.cos(2 * .pi * u2)
    }

    /// Fisher–Yates shuffle.
    public func shuffle<E>(_ a: inout [E]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, int(below: i + 1))
        }
    }

    public func fillUniform<T: Real>(_ t: Tensor<T>, _ low: Double, _ high: Double) {
        for i in 0..<t.count { t.data[i] = T(uniform(low, high)) }
    }
}
