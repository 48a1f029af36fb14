import MTTensor
import Testing
@testable import MTModel

@Suite struct RecurrentStackTests {
    @Test(arguments: RecurrentCellType.allCases)
    func bidirectionalGradientsMatchFiniteDifferences(_ cell: RecurrentCellType) {
        let store = ParameterStore<Double>()
        let layer = Bidirectional(
            store, name: "bi", cell: cell, input: 3, hidden: 2, initializer: .uniform(0.5),
            rng: SeededRandom(seed: 11))
        #expect(store["bi.forward.w_ih"] != nil && store["bi.backward.w_hh"] != nil)
        RecurrentProblem(input: 3, output: 4, seed: 12).check(layer, store)
    }

    @Test func bidirectionalHalvesAreTheTwoDirections() {
        let store = ParameterStore<Double>()
        let bi = Bidirectional(store, name: "bi", cell: .lstm, input: 3, hidden: 2, rng: SeededRandom(seed: 1))
        let p = RecurrentProblem(input: 3, output: 2, seed: 2)
        bi.forward(p.x, lengths: RecurrentProblem.lengths)
        let out = bi.output.values
        let fwd = bi.forwardLayer, bwd = bi.backwardLayer
        // Re-run each direction alone into its own output.
        fwd.forward(p.x, lengths: RecurrentProblem.lengths)
        bwd.forward(p.x, lengths: RecurrentProblem.lengths)
        let (f, b) = (fwd.output.values, bwd.output.values)
        for row in 0..<(5 * 3) {
            #expect(Array(out[(row * 4)..<(row * 4 + 2)]) == Array(f[(row * 2)..<(row * 2 + 2)]))
            #expect(Array(out[(row * 4 + 2)..<(row * 4 + 4)]) == Array(b[(row * 2)..<(row * 2 + 2)]))
        }
    }

    /// Loss Σ output·r + Σ_l finalH_l·rh_l (+ Σ_l finalC_l·rc_l); dropout masks come from a
    /// generator re-seeded for every evaluation, so the loss is a fixed function.
    func checkStack(cell: RecurrentCellType, bidirectional: Bool, dropout: Double) {
        let store = ParameterStore<Double>()
        let stack = RecurrentStack(
            store, name: "encoder", cell: cell, layers: 2, input: 3, hidden: 2,
            bidirectional: bidirectional, dropout: dropout, initializer: .uniform(0.5),
            rng: SeededRandom(seed: 21))
        let d = stack.outputSize
        let p = RecurrentProblem(input: 3, output: d, seed: 22)
        let rng = SeededRandom(seed: 23)
        let rh = (0..<2).map { _ in GradientCheck.random([3, d], rng) }
        let rc = (0..<2).map { _ in GradientCheck.random([3, d], rng) }
        func loss() -> Double {
            stack.forward(p.x, lengths: RecurrentProblem.lengths, training: true, rng: SeededRandom(seed: 99))
            var l = GradientCheck.project(stack.output.data, p.r)
            for i in 0..<2 { l += GradientCheck.project(stack.finalH[i].data, rh[i]) }
            if let c = stack.finalC { for i in 0..<2 { l += GradientCheck.project(c[i].data, rc[i]) } }
            return l
        }
        _ = loss()
        stack.backward(dOutput: p.r, dFinalH: rh, dFinalC: stack.hasCellState ? rc : nil)
        let dx = stack.inputGradient.values
        GradientCheck.expectParametersClose(store, loss: loss)
        GradientCheck.expectClose("x", p.x, analytic: dx, loss: loss)
        if bidirectional {
            #expect(store["encoder.layers.1.backward.w_ih"]?.shape == [cell.gatesPerUnit * 2, 2 * 2])
        }
    }

    @Test(arguments: RecurrentCellType.allCases, [true, false])
    func stackWithDropout(_ cell: RecurrentCellType, bidirectional: Bool) {
        checkStack(cell: cell, bidirectional: bidirectional, dropout: 0.3)
    }

    @Test func dropoutIsOffAtInference() {
        let store = ParameterStore<Float>()
        let stack = RecurrentStack(
            store, cell: .lstm, layers: 2, input: 3, hidden: 2, bidirectional: true, dropout: 0.5,
            rng: SeededRandom(seed: 1))
        let x = Tensor<Float>([4, 2, 3])
        SeededRandom(seed: 2).fillUniform(x, -1, 1)
        stack.forward(x, lengths: nil, training: false)
        let a = stack.output.values
        stack.forward(x, lengths: nil, training: false)
        #expect(a == stack.output.values)
        stack.forward(x, lengths: nil, training: true, rng: SeededRandom(seed: 3))
        #expect(a != stack.output.values)
        #expect(store["encoder.layers.1.forward.w_ih"]?.shape == [8, 4])
    }

    /// Encoding for a search keeps two state slots and no per-step caches: the outputs and
    /// final states must be those of the full forward, for odd and even lengths, both
    /// directions, every cell; and a full forward afterwards keeps its history again.
    @Test(arguments: RecurrentCellType.allCases, [true, false])
    func forwardWithoutHistoryGivesTheSameStates(cell: RecurrentCellType, bidirectional: Bool) {
        let store = ParameterStore<Float>()
        let stack = RecurrentStack(
            store, cell: cell, layers: 2, input: 3, hidden: 4, bidirectional: bidirectional,
            rng: SeededRandom(seed: 4))
        let x = Tensor<Float>([5, 3, 3])
        SeededRandom(seed: 5).fillUniform(x, -1, 1)
        let lengths: [Int32] = [5, 2, 3]
        func run(backward: Bool) -> [[Float]] {
            stack.forward(x, lengths: lengths, training: false, backward: backward)
            return [stack.output.values] + stack.finalH.map(\.values) + (stack.finalC ?? []).map(\.values)
        }
        let full = run(backward: true)
        #expect(run(backward: false) == full)
        #expect(run(backward: true) == full)
        let keeping = stack.layers.allSatisfy { $0.keepsHistory }
        #expect(keeping)
    }
}
