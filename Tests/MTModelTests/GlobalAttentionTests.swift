import MTTensor
import Testing
@testable import MTModel

/// A padded batch run through several decoder steps: B = 3, S = 4, source lengths 4, 2, 3.
private struct AttentionCase {
    let store = ParameterStore<Double>()
    let attention: GlobalAttention<Double>
    let memory: Tensor<Double>
    let queries: Tensor<Double>
    let r: Tensor<Double>
    let lengths: [Int32] = [4, 2, 3]
    let steps = 3, batch = 3, source = 4, h = 3
    let dQueries: Tensor<Double>

    init(_ kind: AttentionScore, seed: UInt64 = 21) {
        let rng = SeededRandom(seed: seed)
        let hs = kind == .dot ? h : 4
        attention = GlobalAttention(
            store, kind: kind, querySize: h, memorySize: hs, attentionSize: kind == .mlp ? 5 : nil,
            initializer: .uniform(0.5), rng: rng)
        if kind == .mlp { rng.fillUniform((attention.scorer as! MLPScore<Double>).b.value, -0.5, 0.5) }
        memory = GradientCheck.random([source, batch, hs], rng)
        queries = GradientCheck.random([steps, batch, h], rng)
        r = GradientCheck.random([steps, batch, h], rng)
        dQueries = Tensor([steps, batch, h])
    }

    /// Σ_t h̃_t · r_t.
    func loss() -> Double {
        attention.prepare(memory: memory, sourceLengths: lengths, steps: steps)
        var total = 0.0
        for t in 0..<steps {
            let out = attention.step(t, query: queries.slice(t))
            total += GradientCheck.dot(out, r.slice(t), batch * h)
        }
        return total
    }

    func backward() -> Tensor<Double> {
        for t in (0..<steps).reversed() {
            let dq = attention.stepBackward(t, dOutput: r.slice(t))
            Double.copy(dq, dQueries.slice(t), batch * h)
        }
        return attention.finishBackward()
    }
}

@Suite struct GlobalAttentionTests {
    @Test(arguments: AttentionScore.allCases)
    func gradientsMatchFiniteDifferences(kind: AttentionScore) {
        let c = AttentionCase(kind)
        _ = c.loss()
        let dMemory = c.backward().values
        let names = c.store.parameters.map(\.name)
        switch kind {
        case .dot:
            #expect(c.attention.scorer is DotScore<Double>)
            #expect(names == ["decoder.attention.w_c"])
        case .general:
            #expect(c.attention.scorer is GeneralScore<Double>)
            #expect(names == ["decoder.attention.w_a", "decoder.attention.w_c"])
        case .mlp:
            #expect(c.attention.scorer is MLPScore<Double>)
            #expect(names == ["decoder.attention.w_q", "decoder.attention.w_k", "decoder.attention.b",
                              "decoder.attention.v", "decoder.attention.w_c"])
        }
        GradientCheck.expectParametersClose(c.store, loss: c.loss)
        GradientCheck.expectClose("queries", c.queries, analytic: c.dQueries.values, loss: c.loss)
        GradientCheck.expectClose("memory", c.memory, analytic: dMemory, loss: c.loss)
    }

    @Test(arguments: AttentionScore.allCases)
    func paddedPositionsHaveZeroWeightAndNoInfluence(kind: AttentionScore) {
        let c = AttentionCase(kind)
        _ = c.loss()
        let outputs = c.attention.output.values
        let weights = c.attention.weights.values
        let dMemory = c.backward().values
        let dQueries = c.dQueries.values
        let grads = c.store.parameters.map(\.grad.values)
        for t in 0..<c.steps {
            for b in 0..<c.batch {
                let row = Array(weights[(t * c.batch + b) * c.source..<(t * c.batch + b + 1) * c.source])
                let len = Int(c.lengths[b])
                #expect(row[len...].allSatisfy { $0 == 0 })
                #expect(row[..<len].allSatisfy { $0 > 0 })
                #expect(abs(row.reduce(0, +) - 1) < 1e-12)
            }
        }
        // Overwrite the padded source positions with large values and run again.
        let hs = c.attention.memorySize
        for s in 0..<c.source {
            for b in 0..<c.batch where s >= Int(c.lengths[b]) {
                for i in 0..<hs { c.memory[(s * c.batch + b) * hs + i] = 1e3 * Double(i + 1) }
            }
        }
        c.store.zeroGradients()
        _ = c.loss()
        #expect(c.attention.output.values == outputs)
        #expect(c.attention.weights.values == weights)
        let dMemory2 = c.backward().values
        #expect(dMemory2 == dMemory)
        #expect(c.dQueries.values == dQueries)
        #expect(c.store.parameters.map(\.grad.values) == grads)
        for s in 0..<c.source {
            for b in 0..<c.batch where s >= Int(c.lengths[b]) {
                #expect(dMemory[(s * c.batch + b) * hs..<(s * c.batch + b + 1) * hs].allSatisfy { $0 == 0 })
            }
        }
    }

    @Test(arguments: AttentionScore.allCases)
    func selectBatchRepeatsSentencesForBeamSearch(kind: AttentionScore) {
        let c = AttentionCase(kind)
        c.attention.prepare(memory: c.memory, sourceLengths: c.lengths, steps: 1)
        let h = c.h
        let expected = Tensor<Double>([c.batch, h])
        Double.copy(c.attention.step(0, query: c.queries.slice(0)), expected.data, c.batch * h)
        // Beam of 2: each sentence twice, both hypotheses given the sentence's query.
        let rows = [0, 0, 1, 1, 2, 2]
        c.attention.selectBatch(rows)
        #expect(c.attention.batchSize == 6 && c.attention.lengths == [4, 4, 2, 2, 3, 3])
        let q = Tensor<Double>([6, h])
        for (i, r) in rows.enumerated() { Double.copy(c.queries.slice(0) + r * h, q.data + i * h, h) }
        let out = c.attention.step(0, query: q.data)
        for (i, r) in rows.enumerated() {
            for j in 0..<h { #expect(abs(out[i * h + j] - expected[r * h + j]) < 1e-14) }
        }
    }

    @Test func floatAgreesWithDouble() {
        func run<T: Real>(_: T.Type) -> ([Double], [Double]) {
            let rng = SeededRandom(seed: 5)
            let store = ParameterStore<T>()
            let attention = GlobalAttention(store, kind: .mlp, querySize: 6, memorySize: 8, rng: rng)
            let memory = Tensor<T>([5, 2, 8]); rng.fillUniform(memory, -1, 1)
            let queries = Tensor<T>([3, 2, 6]); rng.fillUniform(queries, -1, 1)
            attention.prepare(memory: memory, sourceLengths: [5, 3], steps: 3)
            for t in 0..<3 { attention.step(t, query: queries.slice(t)) }
            for t in (0..<3).reversed() { attention.stepBackward(t, dOutput: queries.slice(t)) }
            let dm = attention.finishBackward()
            return (attention.output.values.map { Double($0) }, dm.values.map { Double($0) })
        }
        let (of, gf) = run(Float.self)
        let (od, gd) = run(Double.self)
        for (a, b) in zip(of, od) { #expect(abs(a - b) < 1e-5) }
        for (a, b) in zip(gf, gd) { #expect(abs(a - b) < 1e-5) }
    }
}
