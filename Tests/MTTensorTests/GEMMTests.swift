import Testing
@testable import MTTensor

@Suite struct GEMMTests {
    /// Naive row-major product in Double, the reference.
    func reference(
        _ a: [Double], _ b: [Double], transA: Bool, transB: Bool, m: Int, n: Int, k: Int
    ) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = transA ? a[p * m + i] : a[i * k + p]
                    let bv = transB ? b[j * k + p] : b[p * n + j]
                    s += av * bv
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func allTransposesAccumulate(_ trans: (Bool, Bool)) {
        let (m, n, k) = (5, 7, 3)
        let rng = SeededRandom(seed: 7)
        let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
        let c0 = (0..<(m * n)).map { _ in rng.uniform(-1, 1) }
        let want = zip(reference(a, b, transA: trans.0, transB: trans.1, m: m, n: n, k: k), c0)
            .map { 2 * $0 + 0.5 * $1 }
        for useFloat in [false, true] {
            var got: [Double]
            if useFloat {
                var c = c0.map(Float.init)
                Float.gemm(
                    transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 2,
                    a: a.map(Float.init), lda: trans.0 ? m : k, b: b.map(Float.init), ldb: trans.1 ? k : n,
                    beta: 0.5, c: &c, ldc: n)
                got = c.map(Double.init)
            } else {
                var c = c0
                Double.gemm(
                    transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 2,
                    a: a, lda: trans.0 ? m : k, b: b, ldb: trans.1 ? k : n, beta: 0.5, c: &c, ldc: n)
                got = c
            }
            let err = zip(got, want).map { abs($0 - $1) }.max()!
            #expect(err < (useFloat ? 1e-5 : 1e-12))
        }
    }
}
