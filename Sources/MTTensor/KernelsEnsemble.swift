// Generic bodies of the ensemble and forced-decoding requirements of `Real` (see
// KernelsElementwise.swift): what a search over several models, or along a given target,
// needs per row of logits.

extension Real {
    @inlinable public static func addLogSoftmaxRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, weight: Double, into out: UnsafeMutablePointer<Double>,
        accumulate: Bool
    ) {
        let scratch = UnsafeMutablePointer<Self>.allocate(capacity: cols)
        defer { scratch.deallocate() }
        for r in 0..<rows {
            let row = x + r * cols, o = out + r * cols
            // The same max, sum and rounding as logSoftmaxTopKRows, element for element.
            let (m, logSum) = maxAndLogSumExp(row, cols, scratch: scratch)
            if accumulate {
                for c in 0..<cols { o[c] += weight * Double((row[c] - m) - logSum) }
            } else {
                for c in 0..<cols { o[c] = weight * Double((row[c] - m) - logSum) }
            }
        }
    }

    @inlinable public static func logSoftmaxAt(_ row: UnsafePointer<Self>, cols: Int, column: Int) -> Double {
        let scratch = UnsafeMutablePointer<Self>.allocate(capacity: cols)
        defer { scratch.deallocate() }
        let (m, logSum) = maxAndLogSumExp(row, cols, scratch: scratch)
        return Double((row[column] - m) - logSum)
    }
}

extension Double {
    /// The k largest entries of each row of x [rows, cols] (1 ≤ k ≤ cols), best first, with
    /// the ties and NaN rules of `logSoftmaxTopKRows`: on rows of its log-probabilities it
    /// chooses what that kernel chooses, so an ensemble of equal models searches as one.
    public static func topKRows(
        _ x: UnsafePointer<Double>, rows: Int, cols: Int, k: Int,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>
    ) {
        precondition(k >= 1 && k <= cols, "top \(k) of \(cols) columns")
        for r in 0..<rows {
            let row = x + r * cols, idx = indices + r * k, val = values + r * k
            clearTopK(idx, val, k)
            var threshold = -Double.infinity
            for c in 0..<cols where row[c] > threshold {
                threshold = insertTopK(row[c], index: c, idx, val, k)
            }
            fillUnusedIndices(idx, val, k)
        }
    }
}
