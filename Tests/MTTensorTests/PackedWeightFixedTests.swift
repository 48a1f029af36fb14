import Testing
@testable import MTTensor

/// `weightFixed`: a fixed weight is packed once, so a change in place goes unseen until
/// another weight (address or shape) is packed; an unfixed one is packed every time.
@Suite struct PackedWeightFixedTests {
    /// x·Wᵀ for one row x of ones: each output is its row's sum of W, as the packed form has it.
    static func rowSums(_ packed: PackedWeight<Float>, depth: Int, outputs: Int) -> [Float] {
        let x = [Float](repeating: 1, count: depth)
        var y = [Float](repeating: 0, count: outputs)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer {
                packed.multiply(x.baseAddress!, lda: depth, rows: 1, into: $0.baseAddress!, ldc: outputs, accumulate: false)
            }
        }
        return y
    }

    @Test(arguments: [false, true])
    func packsAgainUnlessFixed(_ fixed: Bool) {
        let n = 40, k = 24
        let w = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
        defer { w.deallocate() }
        w.initialize(repeating: 1, count: n * k)
        let packed = PackedWeight<Float>()
        packed.weightFixed = fixed
        packed.packTransposed(w, outputs: n, depth: k, ld: k)
        #expect(Self.rowSums(packed, depth: k, outputs: n) == [Float](repeating: Float(k), count: n))
        w.update(repeating: 2, count: n * k)
        packed.packTransposed(w, outputs: n, depth: k, ld: k)
        let sums = Self.rowSums(packed, depth: k, outputs: n)
        if PackedWeight<Float>.usesPackedKernels && fixed {
            #expect(sums == [Float](repeating: Float(k), count: n))   // the first packing, kept
        } else {
            #expect(sums == [Float](repeating: Float(2 * k), count: n))
        }
        // Another shape of the same weight is packed anew, fixed or not.
        packed.packTransposed(w, outputs: n - 8, depth: k, ld: k)
        #expect(Self.rowSums(packed, depth: k, outputs: n - 8) == [Float](repeating: Float(2 * k), count: n - 8))
    }
}
