// Generic bodies of the search requirements of `Real` (see KernelsElementwise.swift):
// what beam search needs per row of logits.

extension Real {
    @inlinable public static func argmaxRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, ld: Int, _ out: UnsafeMutablePointer<Int32>
    ) {
        for r in 0..<rows {
            let row = x + r * ld
            var best = 0
            var value = -Self.infinity
            for c in 0..<cols where row[c] > value {
                value = row[c]
                best = c
            }
            out[r] = Int32(best)
        }
    }

    @inlinable public static func logSoftmaxTopKRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, k: Int,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>
    ) {
        precondition(k >= 1 && k <= cols, "top \(k) of \(cols) columns")
        let blockMax = UnsafeMutablePointer<Self>.allocate(capacity: cols / 16 + 1)
        let scratch = UnsafeMutablePointer<Self>.allocate(capacity: cols)
        defer {
            blockMax.deallocate()
            scratch.deallocate()
        }
        for r in 0..<rows {
            let row = x + r * cols, idx = indices + r * k, val = values + r * k
            // The same max, sum and rounding as logProbabilityRows, element for element.
            let (m, logSum) = maxAndLogSumExp(row, cols, scratch: scratch)
            clearTopK(idx, val, k)
            var threshold = -Self.infinity
            // x ↦ (x − m) − logSum is monotone, so a block of 16 whose largest logit does not
            // beat the threshold holds no candidate (NaN is never one): most blocks cost one
            // comparison of their maximum.
            blockMaxima16(row, cols, blockMax)
            var c0 = 0
            while c0 < cols {
                let end = Swift.min(c0 + 16, cols)
                if end - c0 == 16 && !((blockMax[c0 / 16] - m) - logSum > threshold) {
                    c0 = end
                    continue
                }
                for c in c0..<end {
                    let v = (row[c] - m) - logSum
                    guard v > threshold else { continue }
                    threshold = Self(insertTopK(Double(v), index: c, idx, val, k))
                }
                c0 = end
            }
            fillUnusedIndices(idx, val, k)
        }
    }

    /// out[b] = the largest non-NaN value of x[16b..<16b+16] (−∞ if none), for each of the
    /// n / 16 whole blocks of x[0..<n].
    @inlinable @inline(__always)
    static func blockMaxima16(_ x: UnsafePointer<Self>, _ n: Int, _ out: UnsafeMutablePointer<Self>) {
        for block in 0..<(n / 16) {
            let b = x + 16 * block
            // Four lanes, each taking a value only when it is greater (a NaN never is).
            var a0 = -Self.infinity, a1 = -Self.infinity, a2 = -Self.infinity, a3 = -Self.infinity
            var i = 0
            while i < 16 {
                a0 = b[i] > a0 ? b[i] : a0; a1 = b[i + 1] > a1 ? b[i + 1] : a1
                a2 = b[i + 2] > a2 ? b[i + 2] : a2; a3 = b[i + 3] > a3 ? b[i + 3] : a3
                i += 4
            }
            a0 = a1 > a0 ? a1 : a0
            a2 = a3 > a2 ? a3 : a2
            out[block] = a2 > a0 ? a2 : a0
        }
    }

    @inlinable public static func toDouble(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { y[i] = Double(x[i]) }
    }
}

extension Real {
    /// An empty top-k list: every value −∞ (indices 0..<k until something is inserted).
    @inlinable @inline(__always)
    static func clearTopK(_ idx: UnsafeMutablePointer<Int32>, _ val: UnsafeMutablePointer<Double>, _ k: Int) {
        for j in 0..<k {
            idx[j] = Int32(j)
            val[j] = -Double.infinity
        }
    }

    /// Inserts (dv, index) into a row's descending top-k list and returns the new k-th value.
    /// Strictly greater moves up: equal values keep the lower index first.
    @inlinable @inline(__always)
    static func insertTopK(
        _ dv: Double, index c: Int, _ idx: UnsafeMutablePointer<Int32>, _ val: UnsafeMutablePointer<Double>, _ k: Int
    ) -> Double {
        var j = k - 1
        while j > 0 && dv > val[j - 1] {
            val[j] = val[j - 1]
            idx[j] = idx[j - 1]
            j -= 1
        }
        val[j] = dv
        idx[j] = Int32(c)
        return val[k - 1]
    }

    /// Rows with fewer than k non-NaN entries above −∞: fill with unused indices so the k
    /// indices stay distinct.
    @inlinable
    static func fillUnusedIndices(_ idx: UnsafeMutablePointer<Int32>, _ val: UnsafePointer<Double>, _ k: Int) {
        guard val[k - 1] == -Double.infinity else { return }
        var next = 0
        for j in 0..<k where val[j] == -Double.infinity {
            while (0..<j).contains(where: { idx[$0] == Int32(next) }) { next += 1 }
            idx[j] = Int32(next)
            next += 1
        }
    }
}
