import MTTensor
import Testing
@testable import MTModel

@Suite struct EmbeddingTests {
    @Test func gradientsMatchFiniteDifferencesWithRepeatedAndPaddingIds() {
        let rng = SeededRandom(seed: 11)
        let store = ParameterStore<Double>()
        let embedding = Embedding(store, name: "encoder.embeddings", vocabulary: 6, dim: 3, rng: rng)
        // Give the padding row values: the layer must still read zeros there.
        rng.fillUniform(embedding.weight.value, -1, 1)
        let ids: [Int32] = [3, 0, 3, 1, 5, 0]
        let r = GradientCheck.random([ids.count, 3], rng)
        func loss() -> Double {
            let y = ids.withUnsafeBufferPointer { embedding.forward($0.baseAddress!, count: ids.count) }
            return GradientCheck.project(y.data, r)
        }
        _ = loss()
        #expect(embedding.output.shape == [6, 3])
        #expect(Array(embedding.output.values[3..<6]) == [0, 0, 0])
        ids.withUnsafeBufferPointer { embedding.backward($0.baseAddress!, count: ids.count, dOutput: r.data) }
        let g = embedding.weight.grad.values
        #expect(Array(g[0..<3]) == [0, 0, 0], "padding row gets no gradient")
        #expect(Array(g[6..<9]) == [0, 0, 0], "unused row gets no gradient")
        GradientCheck.expectParametersClose(store, loss: loss)
        #expect(store["encoder.embeddings.weight"] === embedding.weight)
    }

    @Test func paddingRowStartsAtZero() {
        let store = ParameterStore<Float>()
        let embedding = Embedding(store, name: "e", vocabulary: 4, dim: 5, rng: SeededRandom(seed: 1))
        #expect(embedding.weight.value.values[0..<5].allSatisfy { $0 == 0 })
        #expect(embedding.weight.value.values[5..<20].contains { $0 != 0 })
    }
}
