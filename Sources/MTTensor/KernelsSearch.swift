// Generic bodies of the search requirements of `Real` (see KernelsElementwise.swift):
// what beam search and greedy decoding need per row of log-probabilities.

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

    @inlinable public static func topKRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, k: Int,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>
    ) {
        precondition(k >= 1 && k <= cols, "top \(k) of \(cols) columns")
        for r in 0..<rows {
            let row = x + r * cols, idx = indices + r * k, val = values + r * k
            // A sorted insertion list of k entries: the row is long (the vocabulary) and k
            // small, so almost every element costs one comparison with the current k-th best.
            for j in 0..<k {
                idx[j] = Int32(j)
                val[j] = -Double.infinity
            }
            var threshold = -Self.infinity
            for c in 0..<cols where row[c] > threshold {
                let v = row[c], dv = Double(v)
                var j = k - 1
                // Strictly greater moves up: equal values keep the lower index first.
                while j > 0 && dv > val[j - 1] {
                    val[j] = val[j - 1]
                    idx[j] = idx[j - 1]
                    j -= 1
                }
                val[j] = dv
                idx[j] = Int32(c)
                threshold = Self(val[k - 1])
            }
            // Rows with fewer than k non-NaN entries above −∞: fill with unused indices so
            // the k indices stay distinct.
            if val[k - 1] == -Double.infinity {
                var next = 0
                for j in 0..<k where val[j] == -Double.infinity {
                    while (0..<j).contains(where: { idx[$0] == Int32(next) }) { next += 1 }
                    idx[j] = Int32(next)
                    next += 1
                }
            }
        }
    }

    @inlinable public static func toDouble(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { y[i] = Double(x[i]) }
    }
}
