import CPackedGEMM
import Testing
@testable import MTTensor

/// Products with packed weights: the same as a BLAS product up to rounding, and the same bit
/// for bit whatever the kernel, the rows taken at once or the threads sharing the columns.
@Suite struct PackedWeightTests {
    /// A weight W [rows, cols] inside a larger row stride, and inputs, from a seed.
    static func filled(_ count: Int, seed: UInt64) -> [Float] {
        let rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in Float(rng.uniform(-1, 1)) }
    }

    // Shapes with edges everywhere: rows not a multiple of 6 or 8, columns not of 16 or 32.
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (7, 45, 13), (37, 300, 250), (64, 96, 64), (250, 33, 17)]

    @Test(arguments: shapes)
    func agreesWithBLAS(_ shape: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = shape
        let ldw = k + 3, lda = k + 5, ldc = n + 2
        let w = Self.filled(n * ldw, seed: 1), a = Self.filled(m * lda, seed: 2), c0 = Self.filled(m * ldc, seed: 3)
        for accumulate in [false, true] {
            // x·Wᵀ with W [n, k].
            let packed = PackedWeight<Float>()
            var viaPacked = c0, viaBLAS = c0
            w.withUnsafeBufferPointer { w in
                a.withUnsafeBufferPointer { a in
                    packed.packTransposed(w.baseAddress!, outputs: n, depth: k, ld: ldw)
                    viaPacked.withUnsafeMutableBufferPointer {
                        packed.multiply(a.baseAddress!, lda: lda, rows: m, into: $0.baseAddress!, ldc: ldc, accumulate: accumulate)
                    }
                    viaBLAS.withUnsafeMutableBufferPointer {
                        Float.gemm(transA: false, transB: true, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: lda,
                                   b: w.baseAddress!, ldb: ldw, beta: accumulate ? 1 : 0, c: $0.baseAddress!, ldc: ldc)
                    }
                }
            }
            expectClose(viaPacked, viaBLAS, m: m, n: n, ldc: ldc, k: k, untouched: c0)
        }
        // d·W with W [k, n] (row stride n + 4).
        let ldv = n + 4
        let v = Self.filled(k * ldv, seed: 4)
        let packed = PackedWeight<Float>()
        var viaPacked = c0, viaBLAS = c0
        v.withUnsafeBufferPointer { v in
            a.withUnsafeBufferPointer { a in
                packed.pack(v.baseAddress!, depth: k, outputs: n, ld: ldv)
                viaPacked.withUnsafeMutableBufferPointer {
                    packed.multiply(a.baseAddress!, lda: lda, rows: m, into: $0.baseAddress!, ldc: ldc, accumulate: true)
                }
                viaBLAS.withUnsafeMutableBufferPointer {
                    Float.gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: lda,
                               b: v.baseAddress!, ldb: ldv, beta: 1, c: $0.baseAddress!, ldc: ldc)
                }
            }
        }
        expectClose(viaPacked, viaBLAS, m: m, n: n, ldc: ldc, k: k, untouched: c0)
    }

    func expectClose(_ x: [Float], _ y: [Float], m: Int, n: Int, ldc: Int, k: Int, untouched: [Float]) {
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n { worst = max(worst, abs(x[i * ldc + j] - y[i * ldc + j])) }
            // Columns past n are not written.
            for j in n..<ldc { #expect(x[i * ldc + j] == untouched[i * ldc + j]) }
        }
        #expect(worst <= 1e-5 * Float(k + 2))
    }

    /// Every kernel this CPU has, any row split and any thread count: the same bits.
    @Test func resultsIndependentOfKernelRowsAndThreads() {
        let (m, n, k) = (37, 300, 250)
        let w = Self.filled(n * k, seed: 5), a = Self.filled(m * k, seed: 6), c0 = Self.filled(m * n, seed: 7)
        let packed = PackedWeight<Float>()
        w.withUnsafeBufferPointer { packed.packTransposed($0.baseAddress!, outputs: n, depth: k, ld: k) }
        func product(_ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
            var c = c0
            a.withUnsafeBufferPointer { a in c.withUnsafeMutableBufferPointer { body(a.baseAddress!, $0.baseAddress!) } }
            return c
        }
        let reference = product { a, c in packed.multiply(a, lda: k, rows: m, into: c, ldc: n, accumulate: true) }
        let rowByRow = product { a, c in
            for i in 0..<m { packed.multiply(a + i * k, lda: k, rows: 1, into: c + i * n, ldc: n, accumulate: true) }
        }
        #expect(rowByRow == reference)
        // The kernels on the same packed weight (repacked into a buffer of their own).
        var buffer = [Float](repeating: 0, count: packed_gemm_size(Int32(n), Int32(k)))
        w.withUnsafeBufferPointer { w in
            buffer.withUnsafeMutableBufferPointer { packed_gemm_pack_transposed(w.baseAddress!, Int32(k), Int32(n), Int32(k), $0.baseAddress!) }
        }
        // Panels taken in two shares, as threads sharing the columns would take them.
        let panels = Int32((n + 31) / 32)
        let split = product { a, c in
            buffer.withUnsafeBufferPointer { b in
                packed_gemm_multiply(Int32(m), Int32(n), Int32(k), a, Int32(k), b.baseAddress!, 1, c, Int32(n), 0, panels / 2)
                packed_gemm_multiply(Int32(m), Int32(n), Int32(k), a, Int32(k), b.baseAddress!, 1, c, Int32(n), panels / 2, panels)
            }
        }
        #expect(split == reference)
        var kernels = 0
        for name in ["avx512", "avx2", "portable"] {
            var ran = Int32(0)
            let c = product { a, c in
                ran = buffer.withUnsafeBufferPointer {
                    packed_gemm_multiply_using(name, Int32(m), Int32(n), Int32(k), a, Int32(k), $0.baseAddress!, 1, c, Int32(n), 0,
                                               panels)
                }
            }
            if ran != 0 {
                kernels += 1
                #expect(c == reference, "kernel \(name)")
            }
        }
        #expect(kernels >= 1)
    }
}
