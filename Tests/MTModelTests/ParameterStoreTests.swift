import MTTensor
import Testing
@testable import MTModel

@Suite struct ParameterStoreTests {
    @Test func clippingScalesTheGlobalNormOnlyWhenAboveTheLimit() {
        let rng = SeededRandom(seed: 1)
        let store = ParameterStore<Float>()
        let a = store.make("a", [2], .zeros, rng: rng)
        let b = store.make("b", [1], .zeros, rng: rng)
        a.grad[0] = 3; a.grad[1] = 0; b.grad[0] = 4
        #expect(abs(store.gradientNorm() - 5) < 1e-9)
        #expect(abs(store.clipGradients(maxNorm: 10) - 5) < 1e-9)
        #expect(a.grad[0] == 3)
        store.clipGradients(maxNorm: 1)
        #expect(abs(store.gradientNorm() - 1) < 1e-6)
        #expect(abs(a.grad[0] - 0.6) < 1e-6 && abs(b.grad[0] - 0.8) < 1e-6)
        store.zeroGradients()
        #expect(store.gradientNorm() == 0)
        #expect(store.scalarCount == 3 && store.parameters.map(\.name) == ["a", "b"])
    }

    @Test func initialisersRespectTheirRanges() {
        let rng = SeededRandom(seed: 5)
        let store = ParameterStore<Float>()
        let u = store.make("u", [50, 40], .uniform(0.1), rng: rng)
        let g = store.make("g", [50, 40], .uniform(0.3), rng: rng)
        #expect(u.value.values.allSatisfy { abs($0) <= 0.1 })
        #expect(g.value.values.allSatisfy { abs($0) <= 0.3 })
        #expect(g.value.values.contains { abs($0) > 0.1 })
    }
}
