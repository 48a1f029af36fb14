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

    /// One flat buffer, in store order, each gradient a view of it starting on 64 bytes; the
    /// padding between parameters stays zero through zeroing and clipping.
    @Test func gradientsAreViewsOfOneAlignedFlatBuffer() {
        let rng = SeededRandom(seed: 2)
        let store = ParameterStore<Float>()
        let shapes = [[3, 5], [1], [16], [2, 9]]
        let ps = shapes.enumerated().map { store.make("p\($0)", $1, .zeros, rng: rng) }
        #expect(store.gradientOffsets == [0, 16, 32, 48])
        let flat = store.gradients
        #expect(flat.count == 48 + 18)
        for (p, offset) in zip(ps, store.gradientOffsets) {
            #expect(p.grad.data == flat.baseAddress! + offset && p.grad.shape == p.shape)
            #expect(Int(bitPattern: p.grad.data) % 64 == 0)
        }
        for p in ps { Float.fill(p.grad.data, 2, p.count) }
        let inGradients = Set(zip(ps, store.gradientOffsets).flatMap { $1..<($1 + $0.count) })
        store.clipGradients(maxNorm: 1)
        for i in 0..<flat.count {
            #expect(inGradients.contains(i) ? abs(flat[i] - 1 / Float(50).squareRoot()) < 1e-6 : flat[i] == 0, "\(i)")
        }
        store.zeroGradients()
        #expect(flat.allSatisfy { $0 == 0 })
    }

    /// A replica's store has a flat buffer of its own, laid out as the primary's.
    @Test func aReplicaStoreHasItsOwnGradientBuffer() {
        let rng = SeededRandom(seed: 3)
        let primary = ParameterStore<Double>()
        let replica = ParameterStore<Double>(sharingValuesWith: primary)
        for store in [primary, replica] {
            _ = store.make("a", [3], .zeros, rng: rng)
            _ = store.make("b", [2, 2], .zeros, rng: rng)
        }
        #expect(primary.gradientOffsets == [0, 8] && replica.gradientOffsets == [0, 8])
        primary.parameters[1].grad[3] = 7
        #expect(replica.parameters[1].grad[3] == 0 && primary.gradients[11] == 7)
        #expect(primary.parameters[1].value === replica.parameters[1].value)
    }

    /// Translating (forward passes only) never allocates the gradients; training does.
    @Test func gradientsAreAllocatedOnlyWhenFirstUsed() {
        var c = Seq2SeqConfig(sourceVocabularySize: 7, targetVocabularySize: 7)
        c.embeddingSize = 3
        c.hiddenSize = 4
        let rng = SeededRandom(seed: 4)
        let model = Seq2Seq<Float>(c, rng: rng)
        let batch = Seq2SeqGradientTests.batch(rng)
        _ = model.loss(batch)
        #expect(!model.store.gradientBuffer.isAllocated)
        model.forwardBackward(batch, training: false)
        #expect(model.store.gradientBuffer.isAllocated)
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
