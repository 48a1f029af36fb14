@testable import MTTensor

// The unfused steps that `logSoftmaxTopKRows` fuses, written out as its oracle: the
// log-softmax of each row written in place, then the top k of each row.
extension Real {
    /// Log-softmax of each row of x [rows, cols] in place, with the kernel's max, sum and
    /// rounding; `scratch` holds `cols` elements.
    static func logProbabilityRows(
        _ x: UnsafeMutablePointer<Self>, rows: Int, cols: Int, scratch: UnsafeMutablePointer<Self>
    ) {
        guard cols > 0 else { return }
        for r in 0..<rows {
            let row = x + r * cols
            let (m, logSum) = maxAndLogSumExp(row, cols, scratch: scratch)
            for c in 0..<cols { row[c] = (row[c] - m) - logSum }
        }
    }

    /// The k largest entries of each row of x [rows, cols], best first (lower index first on
    /// ties; NaN never chosen): indices[r·k + j] and values[r·k + j] (as Double). k ≤ cols.
    static func topKRows(
        _ x: UnsafePointer<Self>, rows: Int, cols: Int, k: Int,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Double>
    ) {
        precondition(k >= 1 && k <= cols, "top \(k) of \(cols) columns")
        for r in 0..<rows {
            let row = x + r * cols, idx = indices + r * k, val = values + r * k
            clearTopK(idx, val, k)
            var threshold = -Self.infinity
            for c in 0..<cols where row[c] > threshold {
                threshold = Self(insertTopK(Double(row[c]), index: c, idx, val, k))
            }
            fillUnusedIndices(idx, val, k)
        }
    }
}
