import Testing
@testable import MTModel
@testable import MTTensor

@Suite struct RecurrentSelectBatchTests {
    /// Steps over rows, selecting rows between steps, give the states of running each
    /// selected history on its own.
    @Test(arguments: RecurrentCellType.allCases)
    func selectedRowsContinueTheirOwnState(_ cell: RecurrentCellType) {
        let (i, h) = (3, 4)
        let store = ParameterStore<Double>()
        let layer = RecurrentLayer<Double>.make(cell, store, name: "l", input: i, hidden: h, rng: SeededRandom(seed: 1))
        let rng = SeededRandom(seed: 2)
        let x = (0..<3).map { _ in Tensor<Double>([3, i]) }
        for t in x { rng.fillUniform(t, -1, 1) }
        // Batched: 3 rows, step, keep rows [2, 0, 0, 1], step, keep [3, 1], step; the same
        // whether or not the steps keep their inputs for a backward pass.
        let x1 = Tensor<Double>([4, i])
        for (row, src) in [0, 1, 2, 0].enumerated() { Double.copy(x[1].data + src * i, x1.data + row * i, i) }
        func selecting(backward: Bool) -> [Double] {
            layer.begin(batch: 3, steps: 1, lengths: nil, h0: nil, c0: nil, backward: backward)
            layer.step(0, input: x[0].data)
            layer.selectBatch([2, 0, 0, 1])
            layer.step(0, input: x1.data)
            layer.selectBatch([3, 1])
            layer.step(0, input: x[2].data)
            return layer.finalH.values
        }
        let batched = selecting(backward: true)
        #expect(selecting(backward: false) == batched)
        #expect(!layer.keepsHistory)
        // Row 0 ends as history [1, 0(x1 row 3), 0] → original row 1 then x1 row 3 then x2 row 0.
        func alone(_ rows: [Int]) -> [Double] {
            layer.begin(batch: 1, steps: 3, lengths: nil, h0: nil, c0: nil)
            layer.step(0, input: x[0].data + rows[0] * i)
            layer.step(1, input: x1.data + rows[1] * i)
            layer.step(2, input: x[2].data + rows[2] * i)
            return layer.finalH.values
        }
        let expected0 = alone([1, 3, 0]), expected1 = alone([0, 1, 1])
        for j in 0..<h {
            #expect(abs(batched[j] - expected0[j]) < 1e-12)
            #expect(abs(batched[h + j] - expected1[j]) < 1e-12)
        }
    }
}
