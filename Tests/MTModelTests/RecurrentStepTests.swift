import MTTensor
import Testing
@testable import MTModel

/// The step API as the decoder drives it: input feeding makes x_t depend on y_{t-1}, so
/// dx_t must be ready before step t-1 is back-propagated.
@Suite struct RecurrentStepTests {
    static let lengths: [Int32] = [5, 3, 1]
    let steps = 5, batch = 3, size = 4

    /// x_t = x[t] + y_{t-1}; loss = Σ_t y_t·r_t + Σ finalH·rh (+ Σ finalC·rc).
    func run(_ layer: RecurrentLayer<Double>, _ p: RecurrentProblem, feed: Tensor<Double>) -> Double {
        layer.begin(batch: batch, steps: steps, lengths: Self.lengths, h0: p.h0,
                    c0: layer.hasCellState ? p.c0 : nil)
        var loss = 0.0
        let n = batch * size
        for t in 0..<steps {
            let xt = feed.slice(t)
            Double.copy(p.x.slice(t), xt, n)
            if t > 0 { Double.axpy(1, layer.output.slice(t - 1), xt, n) }
            layer.step(t, input: xt)
            loss += GradientCheck.dot(layer.output.slice(t), p.r.slice(t), n)
        }
        loss += GradientCheck.project(layer.finalH.data, p.rh)
        if let c = layer.finalC { loss += GradientCheck.project(c.data, p.rc) }
        return loss
    }

    /// Fills dx [T, B, I] (the gradient of x) and leaves parameter gradients accumulated.
    func backward(_ layer: RecurrentLayer<Double>, _ p: RecurrentProblem, dx: Tensor<Double>) {
        let n = batch * size
        let dy = Tensor<Double>([batch, size])
        layer.beginBackward(dFinalH: p.rh, dFinalC: layer.hasCellState ? p.rc : nil)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            Double.copy(p.r.slice(t), dy.data, n)
            if t + 1 < steps { Double.axpy(1, dx.slice(t + 1), dy.data, n) }
            layer.stepBackward(t, dOutput: dy.data)
            Double.copy(layer.inputGradient.slice(t), dx.slice(t), n)
        }
        layer.finishBackward()
    }

    @Test(arguments: RecurrentCellType.allCases)
    func stepGradientsMatchFiniteDifferences(_ cell: RecurrentCellType) {
        let store = ParameterStore<Double>()
        let layer = RecurrentLayer.make(
            cell, store, name: "dec", input: size, hidden: size, initializer: .uniform(0.5),
            rng: SeededRandom(seed: 5))
        let p = RecurrentProblem(input: size, output: size, seed: 6)
        let feed = Tensor<Double>([steps, batch, size])
        let dx = Tensor<Double>([steps, batch, size])
        _ = run(layer, p, feed: feed)
        backward(layer, p, dx: dx)
        let dh0 = layer.initialHGradient.values, dc0 = layer.initialCGradient?.values
        let loss = { run(layer, p, feed: feed) }
        GradientCheck.expectParametersClose(store, loss: loss)
        GradientCheck.expectClose("x", p.x, analytic: dx.values, loss: loss)
        GradientCheck.expectClose("h0", p.h0, analytic: dh0, loss: loss)
        if let dc0 { GradientCheck.expectClose("c0", p.c0, analytic: dc0, loss: loss) }
    }

    /// Without feeding, stepping through a sequence is the sequence API: same outputs and
    /// final states to the last bit, the same gradients up to the order of sums.
    @Test(arguments: RecurrentCellType.allCases)
    func stepAndSequenceAPIsAgree(_ cell: RecurrentCellType) {
        let p = RecurrentProblem(input: 3, output: size, seed: 8)
        let stores = [ParameterStore<Double>(), ParameterStore<Double>()]
        let layers = stores.map {
            RecurrentLayer.make(cell, $0, name: "l", input: 3, hidden: size, rng: SeededRandom(seed: 9))
        }
        let c0 = cell.hasCellState ? p.c0 : nil
        let (seq, stepped) = (layers[0], layers[1])
        seq.forward(p.x, lengths: Self.lengths, h0: p.h0, c0: c0)
        seq.backward(dOutput: p.r, dFinalH: p.rh, dFinalC: c0 == nil ? nil : p.rc)

        stepped.begin(batch: batch, steps: steps, lengths: Self.lengths, h0: p.h0, c0: c0)
        for t in 0..<steps { stepped.step(t, input: p.x.slice(t)) }
        stepped.beginBackward(dFinalH: p.rh, dFinalC: c0 == nil ? nil : p.rc)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            stepped.stepBackward(t, dOutput: p.r.slice(t))
        }
        stepped.finishBackward()

        #expect(seq.output.values == stepped.output.values)
        #expect(seq.finalH.values == stepped.finalH.values)
        #expect(seq.finalC?.values == stepped.finalC?.values)
        // The input gradient is one product over all steps in the sequence API and one per
        // step here: OpenBLAS may sum them in different orders (its small-matrix kernels).
        let inputWorst = zip(seq.inputGradient.values, stepped.inputGradient.values).map { abs($0 - $1) }.max() ?? 0
        #expect(inputWorst < 1e-12, "the input gradients differ by \(inputWorst)")
        #expect(seq.initialHGradient.values == stepped.initialHGradient.values)
        #expect(seq.initialCGradient?.values == stepped.initialCGradient?.values)
        for (a, b) in zip(stores[0].parameters, stores[1].parameters) {
            #expect(a.name == b.name)
            let (ga, gb) = (a.grad.values, b.grad.values)
            let worst = zip(ga, gb).map { abs($0 - $1) }.max() ?? 0
            // Batched and per-step GEMMs may sum in a different order.
            #expect(worst < 1e-12, "\(a.name) differs by \(worst)")
        }
    }
}
