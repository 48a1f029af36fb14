extension Batch {
    /// Columns `range` as a batch of their own, with the steps cut to its longest sentences.
    public func columns(_ range: Range<Int>) -> Batch {
        precondition(!range.isEmpty && range.lowerBound >= 0 && range.upperBound <= batchSize, "columns \(range)")
        let n = range.count
        let s = Int(sourceLengths[range].max() ?? 0), t = Int(targetLengths[range].max() ?? 0)
        func take(_ a: [Int32], steps: Int) -> [Int32] {
            var out = [Int32](repeating: 0, count: steps * n)
            for step in 0..<steps {
                for (j, col) in range.enumerated() { out[step * n + j] = a[step * batchSize + col] }
            }
            return out
        }
        return Batch(
            indices: Array(indices[range]), sourceSteps: s, targetSteps: t, source: take(source, steps: s),
            sourceLengths: Array(sourceLengths[range]), targetInput: take(targetInput, steps: t),
            targetOutput: take(targetOutput, steps: t), targetLengths: Array(targetLengths[range]))
    }

    /// Splits the columns into at most `parts` consecutive, non-empty ranges with about equal
    /// target tokens (part k ends once the running total reaches (k+1)/parts of the whole).
    /// Deterministic: it depends on the target lengths only.
    public func balancedColumnRanges(parts: Int) -> [Range<Int>] {
        let p = Swift.max(1, Swift.min(parts, batchSize))
        let total = targetTokenCount
        var ranges: [Range<Int>] = []
        var start = 0, running = 0
        for col in 0..<batchSize {
            running += Int(targetLengths[col])
            let k = ranges.count
            let remainingColumns = batchSize - col - 1, remainingParts = p - k - 1
            // Close part k at its share, or when the columns left are just enough for the other parts.
            if k < p - 1, running * p >= total * (k + 1) || remainingColumns == remainingParts {
                ranges.append(start..<(col + 1))
                start = col + 1
            }
        }
        ranges.append(start..<batchSize)
        return ranges
    }
}
