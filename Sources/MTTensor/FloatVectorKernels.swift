// Float versions of kernels whose generic bodies the compiler vectorises poorly (scalar
// lanes stitched into vectors): explicit 4-lane vectors. Each does the generic body's
// operations in the generic body's order, so results are bit for bit equal.

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
