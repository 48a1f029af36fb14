import Foundation
import MTTensor
import Testing
@testable import MTModel

@Suite struct GeneratorTests {
    static let targets: [Int32] = [3, 0, 1, 5, 2, 0, 4]

    @Test(arguments: [0.0, 0.2])
    func gradientsMatchFiniteDifferences(smoothing: Double) {
        let rng = SeededRandom(seed: 31)
        let store = ParameterStore<Double>()
        let generator = Generator(store, input: 4, vocabulary: 6, initializer: .uniform(0.5), rng: rng)
        rng.fillUniform(generator.bias.value, -0.5, 0.5)
        let targets = Self.targets
        let x = GradientCheck.random([targets.count, 4], rng)
        let dx = Tensor<Double>([targets.count, 4])
        let scale = 0.7
        func sums(_ dInput: UnsafeMutablePointer<Double>?) -> CrossEntropySums {
            targets.withUnsafeBufferPointer {
                generator.crossEntropy(
                    x.data, targets: $0.baseAddress!, rows: targets.count, smoothing: smoothing,
                    gradientScale: scale, dInput: dInput)
            }
        }
        func loss() -> Double { scale * sums(nil).loss }
        let s = sums(dx.data)
        #expect(s.tokens == 5)
        if smoothing == 0 { #expect(s.loss == s.nll) } else { #expect(s.loss != s.nll) }
        #expect(store.parameters.map(\.name) == ["generator.weight", "generator.bias"])
        GradientCheck.expectParametersClose(store, loss: loss)
        GradientCheck.expectClose("input", x, analytic: dx.values, loss: loss)
        // Rows with a padding target pass no gradient.
        #expect(dx.values[4..<8].allSatisfy { $0 == 0 } && dx.values[20..<24].allSatisfy { $0 == 0 })
    }

    @Test func lossMatchesAnExplicitSmoothedDistributionAndChunkingChangesNothing() {
        let rng = SeededRandom(seed: 32)
        let store = ParameterStore<Double>()
        let v = 7, h = 3
        let generator = Generator(store, input: h, vocabulary: v, initializer: .uniform(1), rng: rng)
        let targets = Self.targets
        let x = GradientCheck.random([targets.count, h], rng)
        let eps = 0.1
        let logits = generator.logitRows(x.data, rows: targets.count).values
        let logp = (0..<targets.count).flatMap { r in
            let row = logits[(r * v)..<((r + 1) * v)], m = row.max()!
            let logSum = log(row.map { exp($0 - m) }.reduce(0, +))
            return row.map { ($0 - m) - logSum }
        }
        var loss = 0.0, nll = 0.0
        for (r, t) in targets.enumerated() where t != 0 {
            for c in 0..<v {
                let q = c == Int(t) ? 1 - eps : (c == 0 ? 0 : eps / Double(v - 2))
                loss -= q * logp[r * v + c]
            }
            nll -= logp[r * v + Int(t)]
            #expect(abs((0..<v).map { exp(logp[r * v + $0]) }.reduce(0, +) - 1) < 1e-12)
        }
        func run(_ maxElements: Int) -> (CrossEntropySums, [Double], [Double]) {
            generator.maxLogitElements = maxElements
            store.zeroGradients()
            let dx = Tensor<Double>([targets.count, h])
            let s = targets.withUnsafeBufferPointer {
                generator.crossEntropy(x.data, targets: $0.baseAddress!, rows: targets.count, smoothing: eps, dInput: dx.data)
            }
            return (s, dx.values, generator.weight.grad.values)
        }
        let (whole, dxWhole, gWhole) = run(1 << 20)
        #expect(abs(whole.loss - loss) < 1e-12 && abs(whole.nll - nll) < 1e-12 && whole.tokens == 5)
        let (chunked, dxChunked, gChunked) = run(2 * v)
        #expect(generator.chunkRows(targets.count) == 2)
        #expect(abs(chunked.loss - whole.loss) < 1e-12 && chunked.tokens == whole.tokens)
        for (a, b) in zip(dxWhole, dxChunked) { #expect(abs(a - b) < 1e-14) }
        for (a, b) in zip(gWhole, gChunked) { #expect(abs(a - b) < 1e-14) }
    }

    @Test func tiedWeightSharesGradientsWithTheEmbedding() {
        let rng = SeededRandom(seed: 33)
        let store = ParameterStore<Double>()
        let embedding = Embedding(store, name: "decoder.embeddings", vocabulary: 6, dim: 4, rng: rng)
        rng.fillUniform(embedding.weight.value, -0.5, 0.5)
        let generator = Generator(store, input: 4, vocabulary: 6, tiedWeight: embedding.weight, rng: rng)
        #expect(generator.weight === embedding.weight && generator.isTied)
        #expect(store.parameters.map(\.name) == ["decoder.embeddings.weight", "generator.bias"])
        let ids: [Int32] = [2, 5, 0, 2]
        let targets = Self.targets
        let x = GradientCheck.random([targets.count, 4], rng)
        let r = GradientCheck.random([ids.count, 4], rng)
        let dx = Tensor<Double>([targets.count, 4])
        func run(_ dInput: UnsafeMutablePointer<Double>?) -> Double {
            let e = ids.withUnsafeBufferPointer { embedding.forward($0.baseAddress!, count: ids.count) }
            let l = targets.withUnsafeBufferPointer {
                generator.crossEntropy(x.data, targets: $0.baseAddress!, rows: targets.count, smoothing: 0.1, dInput: dInput)
            }
            return GradientCheck.project(e.data, r) + l.loss
        }
        func loss() -> Double { run(nil) }
        _ = run(dx.data)
        ids.withUnsafeBufferPointer { embedding.backward($0.baseAddress!, count: ids.count, dOutput: r.data) }
        GradientCheck.expectParametersClose(store, loss: loss)
        GradientCheck.expectClose("input", x, analytic: dx.values, loss: loss)
    }

    @Test func floatAgreesWithDouble() {
        func run<T: Real>(_: T.Type) -> (CrossEntropySums, [Double], [Double]) {
            let rng = SeededRandom(seed: 34)
            let store = ParameterStore<T>()
            let generator = Generator(store, input: 8, vocabulary: 50, rng: rng)
            let x = Tensor<T>([7, 8]); rng.fillUniform(x, -1, 1)
            let dx = Tensor<T>([7, 8])
            let s = Self.targets.withUnsafeBufferPointer {
                generator.crossEntropy(x.data, targets: $0.baseAddress!, rows: 7, smoothing: 0.1, dInput: dx.data)
            }
            return (s, dx.values.map { Double($0) }, generator.weight.grad.values.map { Double($0) })
        }
        let (sf, df, gf) = run(Float.self)
        let (sd, dd, gd) = run(Double.self)
        #expect(abs(sf.loss - sd.loss) < 1e-4 && abs(sf.nll - sd.nll) < 1e-4 && sf.tokens == sd.tokens)
        for (a, b) in zip(df, dd) { #expect(abs(a - b) < 1e-5) }
        for (a, b) in zip(gf, gd) { #expect(abs(a - b) < 1e-5) }
    }
}
