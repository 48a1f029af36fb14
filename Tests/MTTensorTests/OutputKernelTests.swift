import Foundation
import Testing
@testable import MTTensor

@Suite struct OutputKernelTests {
    @Test func crossEntropyGradientRowsSumToZeroAndPaddingRowsAreZero() {
        let cols = 37
        let t = Tensor<Float>([3, cols])
        SeededRandom(seed: 1).fillUniform(t, -5, 5)
        let targets: [Int32] = [4, 0, 36]
        let r = Float.crossEntropyRows(
            t.data, targets: targets, rows: 3, cols: cols, smoothing: 0.1, ignoreIndex: 0, gradientScale: 1)
        #expect(r.count == 2 && r.loss > 0 && r.nll > 0)
        let v = t.values
        #expect(v[cols..<2 * cols].allSatisfy { $0 == 0 })
        for row in [0, 2] {
            let g = v[row * cols..<(row + 1) * cols]
            #expect(abs(g.reduce(0, +)) < 1e-5)
            #expect(g[row * cols] > 0, "padding class: p − 0")
            #expect(g[row * cols + Int(targets[row])] < 0)
        }
    }

    @Test func unrolledReductionsMatchPlainOnes() {
        for n in [1, 7, 8, 9, 31, 100] {
            let x = Tensor<Double>([n]), y = Tensor<Double>([n])
            let rng = SeededRandom(seed: UInt64(n))
            rng.fillUniform(x, -3, 3); rng.fillUniform(y, -3, 3)
            let sum = x.values.reduce(0, +), dot = zip(x.values, y.values).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(Double.unrolledSum(x.data, n) - sum) < 1e-12)
            #expect(abs(Double.unrolledDot(x.data, y.data, n) - dot) < 1e-12)
            #expect(Double.unrolledMax(x.data, n) == x.values.max()!)
        }
    }
}

@Suite struct LogProbabilityKernelTests {
    @Test func matchesTheReferenceLogSoftmax() {
        let a = Tensor<Double>([3, 21])
        SeededRandom(seed: 7).fillUniform(a, -30, 30)
        a[5] = 1000
        let b = Tensor<Double>([3, 21])
        b.copy(from: a)
        let scratch = Tensor<Double>([21])
        Double.logProbabilityRows(a.data, rows: 3, cols: 21, scratch: scratch.data)
        for r in 0..<3 {
            let row = b.data + r * 21
            let m = (0..<21).map { row[$0] }.max()!
            let logSum = Foundation.log((0..<21).map { Foundation.exp(row[$0] - m) }.reduce(0, +))
            for c in 0..<21 { row[c] = row[c] - m - logSum }
        }
        for (x, y) in zip(a.values, b.values) { #expect(abs(x - y) < 1e-12 * max(1, abs(y))) }
    }
}
