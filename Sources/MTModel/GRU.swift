import MTTensor

/// GRU layer with PyTorch's gate order r, z, n and formulation:
///   r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr),  z likewise,
///   n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.
/// Parameters `<name>.w_ih` [3H, I], `<name>.w_hh` [3H, H], `<name>.b_ih` [3H], `<name>.b_hh` [3H].
/// There is no cell state. The sequence and step APIs are those of `RecurrentLayer`.
public final class GRU<T: Real>: RecurrentLayer<T> {
    public let biasIH: Parameter<T>
    public let biasHH: Parameter<T>
    /// [B, 3H]: h·W_hhᵀ + b_hh of the current step.
    let recurrent = Tensor<T>([0])
    /// [T, B, H]: the n part of the recurrent term, for backward.
    let hn = Tensor<T>([0])
    /// [T, B, 3H]: gradients of the recurrent pre-activations (they differ from dGates in n).
    let dRecurrent = Tensor<T>([0])

    public init(
        _ store: ParameterStore<T>, name: String, input: Int, hidden: Int, reverse: Bool = false,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        let wih = store.make("\(name).w_ih", [3 * hidden, input], initializer, rng: rng)
        let whh = store.make("\(name).w_hh", [3 * hidden, hidden], initializer, rng: rng)
        biasIH = store.make("\(name).b_ih", [3 * hidden], initializer, rng: rng)
        biasHH = store.make("\(name).b_hh", [3 * hidden], initializer, rng: rng)
        super.init(weightIH: wih, weightHH: whh, cellState: false, reverse: reverse)
    }

    override func prepareCell(steps: Int, batch: Int) {
        recurrent.resize([batch, gateSize])
        hn.resize([steps, batch, hiddenSize])
    }

    override func prepareCellGradients(steps: Int, batch: Int) {
        dRecurrent.resize([steps, batch, gateSize])
    }

    override func addInputBias(_ g: UnsafeMutablePointer<T>, rows: Int) {
        T.addRowVector(biasIH.value.data, g, rows: rows, cols: gateSize)
    }

    override func cellForward(
        _ t: Int, hPrev: UnsafePointer<T>, h: UnsafeMutablePointer<T>,
        cPrev: UnsafePointer<T>, c: UnsafeMutablePointer<T>,
        y: UnsafeMutablePointer<T>, ldy: Int, activeRows: Int
    ) {
        if activeRows > 0 {
            T.gemm(
                transA: false, transB: true, m: activeRows, n: gateSize, k: hiddenSize,
                alpha: 1, a: hPrev, lda: hiddenSize, b: weightHH.value.data, ldb: hiddenSize,
                beta: 0, c: recurrent.data, ldc: gateSize)
            T.addRowVector(biasHH.value.data, recurrent.data, rows: activeRows, cols: gateSize)
        }
        lengths.withUnsafeBufferPointer { l in
            T.gruForward(
                gates: gates.slice(t), recurrent: recurrent.data, hn: hn.slice(cacheSlot(t)),
                hPrev: hPrev, h: h, y: y, ldy: ldy,
                rows: batch, hidden: hiddenSize, lengths: l.baseAddress!, step: t)
        }
    }

    override func cellBackward(
        _ t: Int, hPrev: UnsafePointer<T>, cPrev: UnsafePointer<T>,
        dy: UnsafePointer<T>?, ldy: Int, activeRows: Int
    ) {
        let dr = dRecurrent.slice(t)
        lengths.withUnsafeBufferPointer { l in
            T.gruBackward(
                gates: gates.slice(t), hn: hn.slice(t), hPrev: hPrev, dy: dy, ldy: ldy,
                dh: dh.data, dGates: dGates.slice(t), dRecurrent: dr,
                rows: batch, hidden: hiddenSize, lengths: l.baseAddress!, step: t)
        }
        if activeRows > 0 {
            T.gemm(
                transA: false, transB: false, m: activeRows, n: hiddenSize, k: gateSize,
                alpha: 1, a: dr, lda: gateSize, b: weightHH.value.data, ldb: hiddenSize,
                beta: 1, c: dh.data, ldc: hiddenSize)
        }
    }

    override var recurrentGateGradients: UnsafePointer<T> { UnsafePointer(dRecurrent.data) }

    override func accumulateBiasGradients(rows: Int) {
        T.sumRows(dGates.data, biasIH.grad.data, rows: rows, cols: gateSize)
        T.sumRows(dRecurrent.data, biasHH.grad.data, rows: rows, cols: gateSize)
    }
}
