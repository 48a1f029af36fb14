import MTTensor
import Testing
@testable import MTModel

@Suite struct LinearTests {
    @Test func gradientsMatchFiniteDifferences() {
        let rng = SeededRandom(seed: 1)
        let store = ParameterStore<Double>()
        let layer = Linear(store, name: "proj", input: 5, output: 4, rng: rng)
        rng.fillUniform(layer.bias!.value, -1, 1)
        let rows = 3
        let x = GradientCheck.random([rows, 5], rng)
        let r = GradientCheck.random([rows, 4], rng)
        let y = Tensor<Double>([rows, 4])
        let dx = Tensor<Double>([rows, 5])
        func loss() -> Double {
            layer.forward(x.data, rows: rows, into: y.data)
            return GradientCheck.project(y.data, r)
        }
        _ = loss()
        layer.backward(x.data, r.data, rows: rows, dx: dx.data)
        GradientCheck.expectParametersClose(store, loss: loss)
        GradientCheck.expectClose("x", x, analytic: dx.values, loss: loss)
    }

    @Test func accumulateAddsToOutputAndInputGradient() {
        let rng = SeededRandom(seed: 2)
        let store = ParameterStore<Float>()
        let layer = Linear(store, name: "l", input: 2, output: 2, bias: false, rng: rng)
        let x = Tensor<Float>([1, 2], values: [1, 2])
        let y = Tensor<Float>([1, 2], values: [10, 20])
        layer.forward(x.data, rows: 1, into: y.data, accumulate: true)
        let w = layer.weight.value.values
        #expect(abs(y[0] - (10 + w[0] + 2 * w[1])) < 1e-6)
        #expect(abs(y[1] - (20 + w[2] + 2 * w[3])) < 1e-6)
        #expect(store["l.weight"] === layer.weight && store["l.bias"] == nil)
    }
}
