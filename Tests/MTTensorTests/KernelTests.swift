import Foundation
import Testing
@testable import MTTensor

@Suite struct KernelTests {
    @Test func maskedSoftmaxZeroesPaddingAndSumsToOne() {
        let t = Tensor<Double>([3, 4], values: [1, 2, 3, 4, 5, 1, 9, 9, 0, 0, 0, 0])
        let valid: [Int32] = [4, 2, 0]
        Double.softmaxRows(t.data, rows: 3, cols: 4, valid: valid)
        let v = t.values
        #expect(abs(v[0..<4].reduce(0, +) - 1) < 1e-12)
        #expect(abs(v[4] - exp(5) / (exp(5) + exp(1))) < 1e-12)
        #expect(v[6] == 0 && v[7] == 0)
        #expect(v[8..<12].allSatisfy { $0 == 0 })
    }

    @Test func logSoftmaxIsStableForLargeValues() {
        let t = Tensor<Float>([1, 3], values: [1000, 1000, -1000])
        var idx = [Int32](repeating: 0, count: 3), val = [Double](repeating: 0, count: 3)
        Float.logSoftmaxTopKRows(t.data, rows: 1, cols: 3, k: 3, indices: &idx, values: &val)
        #expect(idx == [0, 1, 2])
        #expect(abs(val[0] - -log(2.0)) < 1e-6 && val[1] == val[0])
        #expect(val[2] < -1000 && val[2].isFinite)
    }

    @Test func sumOfSquares() {
        let t = Tensor<Float>([4], values: [1, -2, 3, 4])
        #expect(Float.sumOfSquares(t.data, 4) == 30)
    }

    @Test func biasHelpersAreTransposesOfEachOther() {
        let y = Tensor<Double>([2, 3])
        Double.addRowVector([1, 2, 3], y.data, rows: 2, cols: 3)
        #expect(y.values == [1, 2, 3, 1, 2, 3])
        let g = Tensor<Double>([3])
        Double.sumRows(y.data, g.data, rows: 2, cols: 3)
        #expect(g.values == [2, 4, 6])
    }

    @Test func dropoutMaskKeepsTheRequestedShareAndPreservesTheMean() {
        let rng = SeededRandom(seed: 1)
        let n = 100_000
        let mask = Tensor<Float>([n])
        Float.dropoutMask(rng, keep: 0.7, mask.data, n)
        let kept = mask.values.filter { $0 != 0 }
        #expect(abs(Double(kept.count) / Double(n) - 0.7) < 0.01)
        #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        #expect(abs(mask.values.reduce(0.0) { $0 + Double($1) } / Double(n) - 1) < 0.02)
    }

    @Test func tensorResizeKeepsStorageAndZeroesGrowth() {
        let t = Tensor<Float>([2, 3], values: [1, 2, 3, 4, 5, 6])
        let before = t.data
        t.resize([3, 2])
        #expect(t.data == before && t.values == [1, 2, 3, 4, 5, 6])
        t.resize([4, 4])
        #expect(t.count == 16 && t.values.allSatisfy { $0 == 0 })
        #expect(t.slice(1) == t.data + 4)
    }
}
