import Testing
@testable import MTTensor

@Suite struct SearchKernelTests {
    @Test func argmaxTakesTheFirstMaximumAndSkipsNaN() {
        let x = Tensor<Float>([3, 4], values: [1, 3, 3, 0, .nan, -1, 2, 2, -.infinity, -.infinity, -.infinity, -.infinity])
        var out = [Int32](repeating: -1, count: 3)
        Float.argmaxRows(x.data, rows: 3, cols: 4, ld: 4, &out)
        #expect(out == [1, 2, 0])
        // Leading dimension wider than the columns looked at.
        Float.argmaxRows(x.data, rows: 2, cols: 2, ld: 4, &out)
        #expect(out[0] == 1 && out[1] == 1)
    }

    @Test func topKIsSortedWithLowerIndicesFirstOnTies() {
        let x = Tensor<Double>([2, 6], values: [0.5, 2, -1, 2, 7, .nan, -3, -3, -3, -3, -3, -3])
        var idx = [Int32](repeating: -1, count: 6)
        var val = [Double](repeating: 0, count: 6)
        Double.topKRows(x.data, rows: 2, cols: 6, k: 3, indices: &idx, values: &val)
        #expect(Array(idx[0..<3]) == [4, 1, 3])
        #expect(Array(val[0..<3]) == [7, 2, 2])
        #expect(Array(idx[3..<6]) == [0, 1, 2])
        #expect(Array(val[3..<6]) == [-3, -3, -3])
    }

    @Test func topKMatchesSortingOnRandomRows() {
        let rng = SeededRandom(seed: 5)
        let rows = 7, cols = 50, k = 5
        let x = Tensor<Float>([rows, cols])
        rng.fillUniform(x, -2, 2)
        var idx = [Int32](repeating: 0, count: rows * k)
        var val = [Double](repeating: 0, count: rows * k)
        Float.topKRows(x.data, rows: rows, cols: cols, k: k, indices: &idx, values: &val)
        let v = x.values
        for r in 0..<rows {
            let row = Array(v[(r * cols)..<((r + 1) * cols)])
            let expected = row.indices.sorted { (row[$0], -$0) > (row[$1], -$1) }.prefix(k).map(Int32.init)
            #expect(Array(idx[(r * k)..<((r + 1) * k)]) == expected)
            for j in 0..<k { #expect(val[r * k + j] == Double(row[Int(expected[j])])) }
        }
        var top1 = [Int32](repeating: 0, count: rows)
        Float.argmaxRows(x.data, rows: rows, cols: cols, ld: cols, &top1)
        #expect(top1 == (0..<rows).map { idx[$0 * k] })
    }

    @Test func topKOfRowsWithFewFiniteValuesStaysDistinct() {
        let x = Tensor<Float>([1, 4], values: [-.infinity, 1, .nan, -.infinity])
        var idx = [Int32](repeating: 0, count: 3)
        var val = [Double](repeating: 0, count: 3)
        Float.topKRows(x.data, rows: 1, cols: 4, k: 3, indices: &idx, values: &val)
        #expect(idx[0] == 1 && val[0] == 1)
        #expect(Set(idx).count == 3)
    }

    @Test(arguments: [1, 3, 5])
    func fusedLogSoftmaxTopKEqualsLogProbabilitiesThenTopK(_ k: Int) {
        // Odd widths exercise the unrolled remainder; ties (column 3 = column 1) the order.
        let rng = SeededRandom(seed: 9)
        for cols in [5, 8, 37, 600] {
            let rows = 4
            let x = Tensor<Float>([rows, cols])
            rng.fillUniform(x, -6, 6)
            x.data[3] = x.data[1]
            // A NaN at the head of a 16-wide block must not hide a candidate behind it.
            if cols == 600 {
                x.data[cols + 16] = .nan
                x.data[cols + 17] = .nan
                x.data[cols + 25] = 50
            }
            let logProbabilities = Tensor<Float>([rows, cols])
            logProbabilities.copy(from: x)
            let scratch = Tensor<Float>([cols])
            Float.logProbabilityRows(logProbabilities.data, rows: rows, cols: cols, scratch: scratch.data)
            var idx = [Int32](repeating: 0, count: rows * k), val = [Double](repeating: 0, count: rows * k)
            Float.topKRows(logProbabilities.data, rows: rows, cols: cols, k: k, indices: &idx, values: &val)
            var fusedIdx = [Int32](repeating: 0, count: rows * k), fusedVal = [Double](repeating: 0, count: rows * k)
            Float.logSoftmaxTopKRows(x.data, rows: rows, cols: cols, k: k, indices: &fusedIdx, values: &fusedVal)
            #expect(fusedIdx == idx)
            #expect(fusedVal == val)
        }
    }

    @Test func floatBlockMaximaIgnoreNaN() {
        let rng = SeededRandom(seed: 12)
        var x = (0..<70).map { _ in Float(rng.uniform(-5, 5)) }
        for i in 0..<16 { x[16 + i] = .nan }              // an all-NaN block gives −∞
        x[40] = .nan; x[41] = 9                            // a NaN does not hide what follows
        for i in 48..<64 { x[i] = -.infinity }
        var out = [Float](repeating: 0, count: 4)
        Float.blockMaxima16(x, 70, &out)
        for b in 0..<4 {
            let expected = x[(16 * b)..<(16 * b + 16)].filter { !$0.isNaN }.max() ?? -.infinity
            #expect(out[b] == expected, "block \(b)")
        }
        #expect(out[2] == 9 && out[1] == -.infinity)
    }
}
