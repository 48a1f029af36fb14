import Foundation
import MTTensor
import Testing
@testable import MTModel

@Suite struct RNNCellTests {
    /// PyTorch's names and shapes, created (and drawn) in its order.
    @Test func parametersFollowPyTorch() {
        let (i, h) = (3, 4)
        let store = ParameterStore<Double>()
        _ = RecurrentLayer<Double>.make(.rnn, store, name: "l", input: i, hidden: h, rng: SeededRandom(seed: 1))
        #expect(store.parameters.map(\.name) == ["l.w_ih", "l.w_hh", "l.b_ih", "l.b_hh"])
        #expect(store.parameters.map(\.shape) == [[h, i], [h, h], [h], [h]])
        let rng = SeededRandom(seed: 1)
        for p in store.parameters {
            let t = Tensor<Double>(p.shape)
            rng.fillUniform(t, -0.1, 0.1)
            #expect(p.value.values == t.values, "\(p.name)")
        }
    }

    /// h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), written out element by element, with a
    /// padded step that keeps the state and outputs 0.
    @Test func stepIsTanhOfBothProjections() {
        let (i, h, steps, batch) = (3, 4, 3, 2)
        let lengths: [Int32] = [3, 2]
        let store = ParameterStore<Double>()
        let layer = RecurrentLayer<Double>.make(
            .rnn, store, name: "l", input: i, hidden: h, initializer: .uniform(0.5), rng: SeededRandom(seed: 2))
        let rng = SeededRandom(seed: 3)
        let x = GradientCheck.random([steps, batch, i], rng), h0 = GradientCheck.random([batch, h], rng)
        layer.forward(x, lengths: lengths, h0: h0, c0: nil)
        let (wih, whh) = (store["l.w_ih"]!.value.values, store["l.w_hh"]!.value.values)
        let (bih, bhh) = (store["l.b_ih"]!.value.values, store["l.b_hh"]!.value.values)
        let out = layer.output.values, xs = x.values
        for b in 0..<batch {
            var state = Array(h0.values[(b * h)..<((b + 1) * h)])
            for t in 0..<steps {
                let row = (t * batch + b) * h
                guard t < Int(lengths[b]) else {
                    #expect(out[row..<(row + h)].allSatisfy { $0 == 0 })
                    continue
                }
                state = (0..<h).map { j in
                    var a = bih[j] + bhh[j]
                    for k in 0..<i { a += wih[j * i + k] * xs[(t * batch + b) * i + k] }
                    for k in 0..<h { a += whh[j * h + k] * state[k] }
                    return Foundation.tanh(a)
                }
                for j in 0..<h { #expect(abs(out[row + j] - state[j]) < 1e-12) }
            }
            for j in 0..<h { #expect(abs(layer.finalH.values[b * h + j] - state[j]) < 1e-12) }
        }
    }
}
