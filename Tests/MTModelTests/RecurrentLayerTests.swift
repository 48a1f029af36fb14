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
    @Test(arguments: [(RecurrentCellType.lstm, false), (.lstm, true), (.gru, false), (.gru, true)])
    func gradientsMatchFiniteDifferences(_ config: (RecurrentCellType, Bool)) {
        let rng = SeededRandom(seed: 3)
        let store = ParameterStore<Double>()
        let layer = RecurrentLayer.make(
            config.0, store, name: "rnn", input: 3, hidden: 4, reverse: config.1,
            initializer: .uniform(0.5), rng: rng)
        RecurrentProblem(input: 3, output: 4, seed: 4).check(layer, store)
    }
}
