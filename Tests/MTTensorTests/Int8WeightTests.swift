import CInt8GEMM
import Testing
@testable import MTTensor

/// int8 products: every kernel gives the same bits, and each product is within the
/// quantisation's bound of the float product.
@Suite struct Int8WeightTests {
    static func filled(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        let rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in scale * Float(rng.uniform(-1, 1)) }
    }

    // Edges everywhere: rows not a multiple of 4, 6 or 8, columns not of 16 or 32, depths not of 4.
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (7, 45, 13), (37, 300, 250), (64, 96, 64), (250, 33, 17), (9, 2048, 1024)]

    /// W [n, k] inside row stride k + 3, a [m, k] inside k + 5, c [m, n] inside n + 2.
    struct Case {
        let m: Int, n: Int, k: Int
        let w: [Float], a: [Float], c0: [Float]
        var ldw: Int { k + 3 }
        var lda: Int { k + 5 }
        var ldc: Int { n + 2 }
        init(_ shape: (m: Int, n: Int, k: Int)) {
            (m, n, k) = shape
            w = Int8WeightTests.filled(n * (k + 3), seed: 1, scale: 0.3)
            // Rows of very different sizes, and one of zeros, as a decoder's states have.
            var a = Int8WeightTests.filled(m * (k + 5), seed: 2)
            for i in 0..<m { for j in 0..<(k + 5) { a[i * (k + 5) + j] *= Float(1 + i % 5) * (i % 7 == 3 ? 0 : 1) } }
            self.a = a
            c0 = Int8WeightTests.filled(m * (n + 2), seed: 3)
        }

        func quantised() -> Int8Weight {
            w.withUnsafeBufferPointer { Int8Weight($0.baseAddress!, outputs: n, depth: k, ld: ldw) }
        }
    }

    /// Each kernel the CPU has, on the same quantised operands, with and without accumulating.
    @Test(arguments: shapes)
    func kernelsGiveTheSameBits(_ shape: (m: Int, n: Int, k: Int)) {
        let t = Case(shape)
        let kp = Int(int8_gemm_padded_depth(Int32(t.k)))
        var packed = [Int8](repeating: 0, count: int8_gemm_packed_size(Int32(t.n), Int32(t.k)))
        var sw = [Float](repeating: 0, count: t.n), sums = [Int32](repeating: 0, count: t.n)
        var qa = [UInt8](repeating: 0, count: t.m * kp), sa = [Float](repeating: 0, count: t.m)
        int8_gemm_quantise_weight(t.w, Int32(t.ldw), Int32(t.n), Int32(t.k), &packed, &sw, &sums)
        int8_gemm_quantise_rows(t.a, Int32(t.lda), Int32(t.m), Int32(t.k), &qa, &sa)
        #expect(Int8Weight.hasKernel("portable"))
        let available = Int8Weight.kernels.filter(Int8Weight.hasKernel)
        // Each kernel's quantiser gives the same bytes and scales.
        for kernel in available {
            var q = [UInt8](repeating: 0, count: t.m * kp), s = [Float](repeating: 0, count: t.m)
            #expect(int8_gemm_quantise_rows_using(kernel, t.a, Int32(t.lda), Int32(t.m), Int32(t.k), &q, &s) == 1)
            #expect(q == qa && s.map(\.bitPattern) == sa.map(\.bitPattern), "\(kernel) quantises differently, \(shape)")
        }
        for accumulate in [false, true] {
            var results: [[Float]] = []
            for kernel in available {
                var c = t.c0
                let ran = int8_gemm_multiply_using(
                    kernel, Int32(t.m), Int32(t.n), Int32(t.k), qa, sa, packed, sw, sums, accumulate ? 1 : 0, &c,
                    Int32(t.ldc))
                #expect(ran == 1)
                results.append(c)
            }
            for (kernel, c) in zip(available, results) {
                #expect(c.map(\.bitPattern) == results.last!.map(\.bitPattern), "\(kernel) against portable, \(shape)")
            }
            // Padding columns of c are left alone.
            for i in 0..<t.m { for j in t.n..<t.ldc { #expect(results[0][i * t.ldc + j] == t.c0[i * t.ldc + j]) } }
        }
        #expect(!Int8Weight.hasKernel("avx9000"))
    }

    /// |int8 − float| ≤ Σ_k (|a| δw + |w| δa + δa δw) with δ half a quantisation step.
    @Test(arguments: shapes)
    func withinTheQuantisationBound(_ shape: (m: Int, n: Int, k: Int)) {
        let t = Case(shape)
        let q = t.quantised()
        var c = t.c0
        c.withUnsafeMutableBufferPointer {
            q.multiply(t.a, lda: t.lda, rows: t.m, into: $0.baseAddress!, ldc: t.ldc, accumulate: true, scratch: Int8Activations())
        }
        var worst = 0.0, tightest = Double.infinity
        for i in 0..<t.m {
            let ai = t.a[(i * t.lda)..<(i * t.lda + t.k)].map { Double($0) }
            let stepA = (ai.map(abs).max() ?? 0) / 127
            for j in 0..<t.n {
                let wj = t.w[(j * t.ldw)..<(j * t.ldw + t.k)].map { Double($0) }
                let stepW = (wj.map(abs).max() ?? 0) / 127
                var exact = Double(t.c0[i * t.ldc + j]), bound = 0.0
                for p in 0..<t.k {
                    exact += ai[p] * wj[p]
                    bound += abs(ai[p]) * stepW / 2 + abs(wj[p]) * stepA / 2 + stepA * stepW / 4
                }
                let error = abs(Double(c[i * t.ldc + j]) - exact)
                // The float rounding of the dequantised result and of c + it.
                let rounding = 1e-6 * (abs(exact) + abs(Double(t.c0[i * t.ldc + j])) + 1)
                #expect(error <= bound + rounding, "row \(i) column \(j): error \(error), bound \(bound)")
                worst = max(worst, error)
                if bound > 0 { tightest = min(tightest, bound) }
            }
        }
        // Not exact either: an int8 product that were float would be a broken test.
        if t.k > 4 { #expect(worst > 0) }
    }

    /// A shortlist's rows of a quantised weight give the same bits as quantising those rows.
    @Test func gatheredRowsEqualTheirOwnQuantisation() {
        let t = Case((m: 11, n: 300, k: 70))
        let rows: [Int32] = [299, 0, 5, 31, 32, 33, 64, 100, 100, 250, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 298]
        let gathered = Int8Weight(rows: rows, of: t.quantised())
        let own = rows.flatMap { r in t.w[(Int(r) * t.ldw)..<(Int(r) * t.ldw + t.k)] }
        let direct = own.withUnsafeBufferPointer { Int8Weight($0.baseAddress!, outputs: rows.count, depth: t.k, ld: t.k) }
        var x = [Float](repeating: 0, count: t.m * rows.count), y = x
        x.withUnsafeMutableBufferPointer {
            gathered.multiply(t.a, lda: t.lda, rows: t.m, into: $0.baseAddress!, ldc: rows.count, accumulate: false, scratch: Int8Activations())
        }
        y.withUnsafeMutableBufferPointer {
            direct.multiply(t.a, lda: t.lda, rows: t.m, into: $0.baseAddress!, ldc: rows.count, accumulate: false, scratch: Int8Activations())
        }
        #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
    }

    /// A packed weight with an int8 form multiplies with it, and packing its weight again keeps it.
    @Test func packedWeightUsesItsInt8Form() {
        let t = Case((m: 5, n: 40, k: 24))
        let q = t.quantised()
        let packed = PackedWeight<Float>()
        packed.int8 = q
        t.w.withUnsafeBufferPointer { packed.packTransposed($0.baseAddress!, outputs: t.n, depth: t.k, ld: t.ldw) }
        #expect(packed.outputs == t.n && packed.depth == t.k)
        var x = t.c0, y = t.c0, z = t.c0
        x.withUnsafeMutableBufferPointer { packed.multiply(t.a, lda: t.lda, rows: t.m, into: $0.baseAddress!, ldc: t.ldc, accumulate: true) }
        y.withUnsafeMutableBufferPointer {
            q.multiply(t.a, lda: t.lda, rows: t.m, into: $0.baseAddress!, ldc: t.ldc, accumulate: true, scratch: Int8Activations())
        }
        #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
        packed.int8 = nil
        t.w.withUnsafeBufferPointer { packed.packTransposed($0.baseAddress!, outputs: t.n, depth: t.k, ld: t.ldw) }
        z.withUnsafeMutableBufferPointer { packed.multiply(t.a, lda: t.lda, rows: t.m, into: $0.baseAddress!, ldc: t.ldc, accumulate: true) }
        #expect(z != x)
    }

    /// Activations: half a step rounds to even, the largest magnitude to ±127, zeros to zero.
    @Test func activationRowsQuantise() {
        let a: [Float] = [127, -2.5, 0.5, 1.5, 9, 9, 0, 0, 0, 0]
        var q = [UInt8](repeating: 0, count: 8), s = [Float](repeating: 1, count: 2)
        int8_gemm_quantise_rows(a, 6, 2, 4, &q, &s)
        #expect(q.map { Int($0) - 128 } == [127, -2, 0, 2, 0, 0, 0, 0])
        #expect(s[0] == 1 && s[1] == 0)
    }
}
