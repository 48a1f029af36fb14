import MTTensor
import Testing
@testable import MTModel

@Suite struct DropoutTests {
    @Test func gradientMatchesFiniteDifferencesWithAFixedMask() {
        let rng = SeededRandom(seed: 3)
        let dropout = Dropout<Double>(p: 0.4)
        let n = 12
        let x = GradientCheck.random([n], rng)
        let r = GradientCheck.random([n], rng)
        let y = Tensor<Double>([n])
        let dx = Tensor<Double>([n])
        func loss() -> Double {
            // The same seed each time gives the same mask.
            dropout.forward(x.data, into: y.data, count: n, training: true, rng: SeededRandom(seed: 9))
            return GradientCheck.project(y.data, r)
        }
        _ = loss()
        let mask = dropout.mask.values
        #expect(mask.contains(0) && mask.contains { abs($0 - 1 / 0.6) < 1e-12 })
        #expect(mask.allSatisfy { $0 == 0 || abs($0 - 1 / 0.6) < 1e-12 })
        dropout.backward(r.data, into: dx.data, count: n)
        GradientCheck.expectClose("x", x, analytic: dx.values, loss: loss)
    }

    @Test func identityWhenNotTrainingOrZeroProbabilityAndCorrectInPlace() {
        let rng = SeededRandom(seed: 4)
        let x = Tensor<Float>([5], values: [1, 2, 3, 4, 5])
        let y = Tensor<Float>([5])
        Dropout<Float>(p: 0.5).forward(x.data, into: y.data, count: 5, training: false, rng: rng)
        #expect(y.values == x.values)
        let zero = Dropout<Float>(p: 0)
        zero.forward(x.data, into: y.data, count: 5, training: true, rng: rng)
        #expect(y.values == x.values && !zero.active)
        let d = Dropout<Float>(p: 0.5)
        let z = Tensor<Float>([5], values: [1, 2, 3, 4, 5])
        d.forward(z.data, into: z.data, count: 5, training: true, rng: SeededRandom(seed: 2))
        let expected = zip(x.values, d.mask.values).map { $0 * $1 }
        #expect(z.values == expected)
        d.backward(z.data, into: z.data, count: 5)
        #expect(z.values == zip(expected, d.mask.values).map { $0 * $1 })
    }
}
