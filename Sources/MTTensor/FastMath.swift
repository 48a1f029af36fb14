/// Branch-free single-precision exp/tanh/sigmoid that the compiler can vectorise.
///
/// libm's `expf` is a call per element and blocks vectorisation; the LSTM gates
/// evaluate millions of these per batch. Range reduction by ln 2 and a degree-6
/// polynomial on [-ln2/2, ln2/2] give a relative error below 2e-7.
public enum FastMath {
    @inlinable
    public static func exp(_ x: Float) -> Float {
        // Clamp so that 2^n stays a normal float: n in [-126, 127].
        let x = Swift.min(Swift.max(x, -87.33), 88.37)
        // Adding 1.5·2^23 rounds to an integer held in the low mantissa bits: unlike
        // Int32(_:), it cannot trap, so the loop stays vectorisable.
        let magic: Float = 12_582_912
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        // ln 2 split in two so that n * ln2Hi is exact.
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * r * r + r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- magic.bitPattern &+ 127) << 23)
        return p * scale
    }

    @inlinable
    public static func sigmoid(_ x: Float) -> Float {
        1 / (1 + exp(-x))
    }

    @inlinable
    public static func tanh(_ x: Float) -> Float {
        let t = exp(-2 * Swift.abs(x))
        let y = (1 - t) / (1 + t)
        return x < 0 ? -y : y
    }
}
