// Float versions of kernels whose generic bodies the compiler vectorises poorly (a float
// reduction cannot be reordered, so it gets scalar lanes stitched into vectors): explicit
// 4-lane vectors, which the baseline x86-64 target maps onto SSE registers. Each does the
// generic body's operations in the generic body's order, so results are bit for bit equal.

extension Float {
    /// The lanes of `lo` and `hi` are unrolledSum's eight accumulators a0…a3 and a4…a7.
    public static func sumExp(_ x: UnsafePointer<Float>, minus m: Float, _ n: Int) -> Float {
        var lo = SIMD4<Float>(repeating: 0), hi = lo
        let mm = SIMD4<Float>(repeating: m)
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 8 <= n {
            lo += FastMath.exp(raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self) - mm)
            hi += FastMath.exp(raw.loadUnaligned(fromByteOffset: 4 * i + 16, as: SIMD4<Float>.self) - mm)
            i += 8
        }
        var s = ((lo[0] + lo[1]) + (lo[2] + lo[3])) + ((hi[0] + hi[1]) + (hi[2] + hi[3]))
        while i < n { s += FastMath.exp(x[i] - m); i += 1 }
        return s
    }
}

extension Float {
    /// Lane j of the vector max is the generic body's accumulator a_j.
    public static func blockMaxima16(_ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(x)
        for block in 0..<(n / 16) {
            var a = SIMD4<Float>(repeating: -.infinity)
            for j in 0..<4 {
                let v = raw.loadUnaligned(fromByteOffset: 64 * block + 16 * j, as: SIMD4<Float>.self)
                a.replace(with: v, where: v .> a)
            }
            let a0 = a[1] > a[0] ? a[1] : a[0]
            let a2 = a[3] > a[2] ? a[3] : a[2]
            out[block] = a2 > a0 ? a2 : a0
        }
    }
}
