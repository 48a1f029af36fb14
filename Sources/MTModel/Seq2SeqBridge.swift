import MTTensor

/// The decoder's initial states (h, and c for the LSTM) per decoder layer, from the
/// encoder's final states: zeros, learned vectors broadcast over the batch, or
/// tanh(Linear(final state)) per layer.
///
/// Decoder layer l reads encoder layer max(0, Le − Ld + l), so the top layers line up
/// when the stacks differ in depth. A bidirectional encoder's final state is the
/// concatenation of both directions (hiddenSize in all).
final class Seq2SeqBridge<T: Real> {
    let kind: DecoderInitialState
    let decoderLayers: Int
    let encoderLayers: Int
    let hidden: Int
    let hasCellState: Bool
    /// Learned: `decoder.init.layers.<l>.h` / `.c` [H].
    let learnedH: [Parameter<T>]
    let learnedC: [Parameter<T>]
    /// Bridge: `decoder.bridge.layers.<l>.h` / `.c`, Linear H → H.
    let linearH: [Linear<T>]
    let linearC: [Linear<T>]
    /// [B, H] per decoder layer: the initial states (unused for `zero`).
    let h0: [Tensor<T>]
    let c0: [Tensor<T>]
    /// [B, H] per decoder layer: pre-activation gradients (bridge).
    private let dPre = Tensor<T>([0])
    /// [B, H] per encoder layer: gradients of the encoder's final states (bridge).
    let dEncoderH: [Tensor<T>]
    let dEncoderC: [Tensor<T>]
    private var batch = 0
    private var encoderH: [Tensor<T>] = []
    private var encoderC: [Tensor<T>]?

    init(
        _ store: ParameterStore<T>, kind: DecoderInitialState, encoderLayers: Int, decoderLayers: Int,
        hidden: Int, cellState: Bool, learnedInitializer: Initializer, initializer: Initializer,
        rng: SeededRandom
    ) {
        self.kind = kind
        self.decoderLayers = decoderLayers
        self.encoderLayers = encoderLayers
        self.hidden = hidden
        hasCellState = cellState
        var lh: [Parameter<T>] = [], lc: [Parameter<T>] = []
        var bh: [Linear<T>] = [], bc: [Linear<T>] = []
        for l in 0..<decoderLayers {
            switch kind {
            case .zero:
                break
            case .learned:
                lh.append(store.make("decoder.init.layers.\(l).h", [hidden], learnedInitializer, rng: rng))
                if cellState {
                    lc.append(store.make("decoder.init.layers.\(l).c", [hidden], learnedInitializer, rng: rng))
                }
            case .bridge:
                bh.append(Linear(
                    store, name: "decoder.bridge.layers.\(l).h", input: hidden, output: hidden,
                    initializer: initializer, rng: rng))
                if cellState {
                    bc.append(Linear(
                        store, name: "decoder.bridge.layers.\(l).c", input: hidden, output: hidden,
                        initializer: initializer, rng: rng))
                }
            }
        }
        (learnedH, learnedC, linearH, linearC) = (lh, lc, bh, bc)
        h0 = (0..<decoderLayers).map { _ in Tensor<T>([0]) }
        c0 = (0..<decoderLayers).map { _ in Tensor<T>([0]) }
        dEncoderH = (0..<encoderLayers).map { _ in Tensor<T>([0]) }
        dEncoderC = (0..<encoderLayers).map { _ in Tensor<T>([0]) }
    }

    func encoderLayer(for l: Int) -> Int { Swift.max(0, encoderLayers - decoderLayers + l) }

    /// Fills h0/c0 for a batch; returns false for `zero` (the decoder then starts from zeros).
    @discardableResult
    func forward(encoderFinalH: [Tensor<T>], encoderFinalC: [Tensor<T>]?, batch: Int) -> Bool {
        self.batch = batch
        encoderH = encoderFinalH
        encoderC = encoderFinalC
        guard kind != .zero else { return false }
        let h = hidden
        for l in 0..<decoderLayers {
            h0[l].resize([batch, h])
            if hasCellState { c0[l].resize([batch, h]) }
            switch kind {
            case .zero:
                break
            case .learned:
                for b in 0..<batch {
                    T.copy(learnedH[l].value.data, h0[l].data + b * h, h)
                    if hasCellState { T.copy(learnedC[l].value.data, c0[l].data + b * h, h) }
                }
            case .bridge:
                let e = encoderLayer(for: l)
                linearH[l].forward(encoderFinalH[e].data, rows: batch, into: h0[l].data)
                T.tanh(h0[l].data, h0[l].data, batch * h)
                if hasCellState {
                    linearC[l].forward(encoderFinalC![e].data, rows: batch, into: c0[l].data)
                    T.tanh(c0[l].data, c0[l].data, batch * h)
                }
            }
        }
        return true
    }

    var initialH: [Tensor<T>]? { kind == .zero ? nil : h0 }
    var initialC: [Tensor<T>]? { kind == .zero || !hasCellState ? nil : c0 }

    /// Takes the gradients of h0/c0 per decoder layer; accumulates parameter gradients and,
    /// for `bridge`, returns the gradients of the encoder's final states per encoder layer.
    func backward(dH0: [Tensor<T>], dC0: [Tensor<T>]?) -> (h: [Tensor<T>?], c: [Tensor<T>?]?)? {
        let h = hidden, n = batch * hidden
        switch kind {
        case .zero:
            return nil
        case .learned:
            for l in 0..<decoderLayers {
                T.sumRows(dH0[l].data, learnedH[l].grad.data, rows: batch, cols: h)
                if hasCellState { T.sumRows(dC0![l].data, learnedC[l].grad.data, rows: batch, cols: h) }
            }
            return nil
        case .bridge:
            var used = [Bool](repeating: false, count: encoderLayers)
            for e in 0..<encoderLayers {
                dEncoderH[e].resize([batch, h])
                dEncoderH[e].zero()
                if hasCellState {
                    dEncoderC[e].resize([batch, h])
                    dEncoderC[e].zero()
                }
            }
            dPre.resize([batch, h])
            for l in 0..<decoderLayers {
                let e = encoderLayer(for: l)
                used[e] = true
                T.tanhBackward(h0[l].data, dH0[l].data, dPre.data, n, accumulate: false)
                linearH[l].backward(
                    encoderH[e].data, dPre.data, rows: batch, dx: dEncoderH[e].data, accumulateInput: true)
                if hasCellState {
                    T.tanhBackward(c0[l].data, dC0![l].data, dPre.data, n, accumulate: false)
                    linearC[l].backward(
                        encoderC![e].data, dPre.data, rows: batch, dx: dEncoderC[e].data, accumulateInput: true)
                }
            }
            let hs: [Tensor<T>?] = (0..<encoderLayers).map { used[$0] ? dEncoderH[$0] : nil }
            let cs: [Tensor<T>?]? = hasCellState ? (0..<encoderLayers).map { used[$0] ? dEncoderC[$0] : nil } : nil
            return (hs, cs)
        }
    }
}
