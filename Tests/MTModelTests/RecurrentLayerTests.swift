import MTTensor
import Testing
@testable import MTModel

/// A padded batch and the loss Σ y·r + Σ finalH·rh (+ Σ finalC·rc) for recurrent layers.
struct RecurrentProblem {
    static let lengths: [Int32] = [5, 3, 1]
    let steps = 5, batch = 3
    let x, h0, c0, r, rh, rc: Tensor<Double>

    init(input: Int, output: Int, seed: UInt64) {
        let rng = SeededRandom(seed: seed)
        x = GradientCheck.random([steps, batch, input], rng)
        h0 = GradientCheck.random([batch, output], rng)
        c0 = GradientCheck.random([batch, output], rng)
        r = GradientCheck.random([steps, batch, output], rng)
        rh = GradientCheck.random([batch, output], rng)
        rc = GradientCheck.random([batch, output], rng)
    }

    func loss(_ layer: some RecurrentSequenceLayer<Double>) -> Double {
        layer.forward(x, lengths: Self.lengths, h0: h0, c0: layer.hasCellState ? c0 : nil)
        var l = GradientCheck.project(layer.output.data, r)
        l += GradientCheck.project(layer.finalH.data, rh)
        if let c = layer.finalC { l += GradientCheck.project(c.data, rc) }
        return l
    }

    func backward(_ layer: some RecurrentSequenceLayer<Double>) {
        layer.backward(dOutput: r, dFinalH: rh, dFinalC: layer.hasCellState ? rc : nil)
    }

    /// Checks every parameter and every input (x, h0, c0).
    func check(
        _ layer: some RecurrentSequenceLayer<Double>, _ store: ParameterStore<Double>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        _ = loss(layer)
        backward(layer)
        let dx = layer.inputGradient.values, dh0 = layer.initialHGradient.values
        let dc0 = layer.initialCGradient?.values
        let f = { loss(layer) }
        GradientCheck.expectParametersClose(store, loss: f, sourceLocation: sourceLocation)
        GradientCheck.expectClose("x", x, analytic: dx, loss: f, sourceLocation: sourceLocation)
        GradientCheck.expectClose("h0", h0, analytic: dh0, loss: f, sourceLocation: sourceLocation)
        if let dc0 {
            GradientCheck.expectClose("c0", c0, analytic: dc0, loss: f, sourceLocation: sourceLocation)
        }
    }
}

@Suite struct RecurrentLayerTests {
    @Test(arguments: RecurrentCellType.allCases, [false, true])
    func gradientsMatchFiniteDifferences(_ cell: RecurrentCellType, reverse: Bool) {
        let rng = SeededRandom(seed: 3)
        let store = ParameterStore<Double>()
        let layer = RecurrentLayer.make(
            cell, store, name: "rnn", input: 3, hidden: 4, reverse: reverse,
            initializer: .uniform(0.5), rng: rng)
        RecurrentProblem(input: 3, output: 4, seed: 4).check(layer, store)
    }

    /// What a cell kind says of itself is what its layers are.
    @Test(arguments: RecurrentCellType.allCases)
    func cellTypeDescribesItsLayers(_ cell: RecurrentCellType) {
        let layer = RecurrentLayer<Float>.make(cell, ParameterStore(), name: "l", input: 3, hidden: 4, rng: SeededRandom(seed: 1))
        let expected: [RecurrentCellType: (gates: Int, cellState: Bool)] = [.lstm: (4, true), .gru: (3, false), .rnn: (1, false)]
        #expect(cell.gatesPerUnit == expected[cell]!.gates && cell.hasCellState == expected[cell]!.cellState)
        #expect(layer.hasCellState == cell.hasCellState)
        #expect(layer.weightIH.shape == [cell.gatesPerUnit * 4, 3] && layer.weightHH.shape == [cell.gatesPerUnit * 4, 4])
    }
}

@Suite struct RecurrentMaskingTests {
    /// Runs forward and backward; returns outputs, final states and every gradient.
    func everything(_ cell: RecurrentCellType, reverse: Bool, _ p: RecurrentProblem) -> [[Double]] {
        let store = ParameterStore<Double>()
        let layer = RecurrentLayer.make(
            cell, store, name: "m", input: 3, hidden: 4, reverse: reverse, rng: SeededRandom(seed: 1))
        _ = p.loss(layer)
        p.backward(layer)
        return [layer.output.values, layer.finalH.values, layer.finalC?.values ?? [],
                layer.inputGradient.values, layer.initialHGradient.values,
                layer.initialCGradient?.values ?? []] + store.parameters.map { $0.grad.values }
    }

    @Test(arguments: RecurrentCellType.allCases, [false, true])
    func paddingChangesNothingAndOutputsZero(_ cell: RecurrentCellType, reverse: Bool) {
        let p = RecurrentProblem(input: 3, output: 4, seed: 31)
        let before = everything(cell, reverse: reverse, p)
        // Scribble over padded inputs and padded output gradients.
        let (steps, batch) = (p.steps, p.batch)
        for t in 0..<steps {
            for b in 0..<batch where t >= Int(RecurrentProblem.lengths[b]) {
                for j in 0..<3 { p.x[(t * batch + b) * 3 + j] = 1000 + Double(j) }
                for j in 0..<4 { p.r[(t * batch + b) * 4 + j] = -77 }
            }
        }
        let after = everything(cell, reverse: reverse, p)
        #expect(before == after)
        let out = after[0], dx = after[3]
        for t in 0..<steps {
            for b in 0..<batch where t >= Int(RecurrentProblem.lengths[b]) {
                #expect(out[((t * batch + b) * 4)..<((t * batch + b + 1) * 4)].allSatisfy { $0 == 0 })
                #expect(dx[((t * batch + b) * 3)..<((t * batch + b + 1) * 3)].allSatisfy { $0 == 0 })
            }
        }
    }

    /// The final state of a sequence is its state after its own last valid step: the
    /// same as running that sequence alone, unpadded.
    @Test(arguments: RecurrentCellType.allCases)
    func finalStateIsThatOfTheUnpaddedSequence(_ cell: RecurrentCellType) {
        let store = ParameterStore<Double>()
        let layer = RecurrentLayer.make(cell, store, name: "m", input: 3, hidden: 4, rng: SeededRandom(seed: 1))
        let p = RecurrentProblem(input: 3, output: 4, seed: 32)
        layer.forward(p.x, lengths: RecurrentProblem.lengths)
        let batched = layer.finalH.values
        let b = 1, len = Int(RecurrentProblem.lengths[b])
        let alone = Tensor<Double>([len, 1, 3])
        for t in 0..<len { Double.copy(p.x.data + (t * 3 + b) * 3, alone.slice(t), 3) }
        layer.forward(alone, lengths: nil)
        #expect(Array(batched[(b * 4)..<(b * 4 + 4)]) == layer.finalH.values)
    }
}

@Suite struct RecurrentPrecisionTests {
    /// Float (fast exp/tanh, single-precision GEMM) against Double on the same weights.
    @Test(arguments: RecurrentCellType.allCases)
    func floatAndDoubleAgree(_ cell: RecurrentCellType) {
        let sd = ParameterStore<Double>(), sf = ParameterStore<Float>()
        let ld = Bidirectional(sd, name: "b", cell: cell, input: 3, hidden: 4, initializer: .uniform(0.5),
                               rng: SeededRandom(seed: 41))
        let lf = Bidirectional(sf, name: "b", cell: cell, input: 3, hidden: 4, initializer: .uniform(0.5),
                               rng: SeededRandom(seed: 41))
        func toFloat(_ t: Tensor<Double>) -> Tensor<Float> { Tensor(t.shape, values: t.values.map { Float($0) }) }
        for (a, b) in zip(sd.parameters, sf.parameters) {
            #expect(a.value.values.map { Float($0) } == b.value.values)
        }
        let p = RecurrentProblem(input: 3, output: 8, seed: 42)
        _ = p.loss(ld)
        p.backward(ld)
        let c0 = cell.hasCellState ? toFloat(p.c0) : nil
        lf.forward(toFloat(p.x), lengths: RecurrentProblem.lengths, h0: toFloat(p.h0), c0: c0)
        lf.backward(dOutput: toFloat(p.r), dFinalH: toFloat(p.rh), dFinalC: c0 == nil ? nil : toFloat(p.rc))
        func worst(_ d: [Double], _ f: [Float]) -> Double {
            zip(d, f).map { abs($0 - Double($1)) / max(1, abs($0)) }.max() ?? 0
        }
        #expect(worst(ld.output.values, lf.output.values) < 1e-5)
        #expect(worst(ld.finalH.values, lf.finalH.values) < 1e-5)
        #expect(worst(ld.inputGradient.values, lf.inputGradient.values) < 1e-5)
        #expect(worst(ld.initialHGradient.values, lf.initialHGradient.values) < 1e-5)
        for (a, b) in zip(sd.parameters, sf.parameters) {
            #expect(worst(a.grad.values, b.grad.values) < 1e-5, "\(a.name) \(a.grad.values.prefix(4)) \(b.grad.values.prefix(4))")
        }
    }
}
