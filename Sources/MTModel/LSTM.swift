import MTTensor

/// LSTM layer with PyTorch's gate order i, f, g, o and one bias:
///   gates = x·W_ihᵀ + h·W_hhᵀ + b;  c' = σ(f)⊙c + σ(i)⊙tanh(g);  h' = σ(o)⊙tanh(c').
/// Parameters `<name>.w_ih` [4H, I], `<name>.w_hh` [4H, H], `<name>.b` [4H], all drawn from
/// `initializer` (OpenNMT initialises biases like weights).
/// The sequence and step APIs are those of `RecurrentLayer`.
public final class LSTM<T: Real>: RecurrentLayer<T> {
    public let bias: Parameter<T>
    /// [T, B, H]: tanh(c) of each step, for backward.
    let tanhC = Tensor<T>([0])

    public init(
        _ store: ParameterStore<T>, name: String, input: Int, hidden: Int, reverse: Bool = false,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        let wih = store.make("\(name).w_ih", [4 * hidden, input], initializer, rng: rng)
        let whh = store.make("\(name).w_hh", [4 * hidden, hidden], initializer, rng: rng)
        bias = store.make("\(name).b", [4 * hidden], initializer, rng: rng)
        super.init(weightIH: wih, weightHH: whh, cellState: true, reverse: reverse)
    }

    override func prepareCell(steps: Int, batch: Int) {
        tanhC.resize([steps, batch, hiddenSize])
    }

    override func addInputBias(_ g: UnsafeMutablePointer<T>, rows: Int) {
        T.addRowVector(bias.value.data, g, rows: rows, cols: gateSize)
    }

    override func cellForward(
        _ t: Int, hPrev: UnsafePointer<T>, h: UnsafeMutablePointer<T>,
        cPrev: UnsafePointer<T>, c: UnsafeMutablePointer<T>,
        y: UnsafeMutablePointer<T>, ldy: Int, activeRows: Int
    ) {
        let g = gates.slice(t)
        if activeRows > 0 {
            T.gemm(
                transA: false, transB: true, m: activeRows, n: gateSize, k: hiddenSize,
                alpha: 1, a: hPrev, lda: hiddenSize, b: weightHH.value.data, ldb: hiddenSize,
                beta: 1, c: g, ldc: gateSize)
        }
        lengths.withUnsafeBufferPointer { l in
            T.lstmForward(
                gates: g, cPrev: cPrev, hPrev: hPrev, c: c, tanhC: tanhC.slice(cacheSlot(t)), h: h,
                y: y, ldy: ldy, rows: batch, hidden: hiddenSize, lengths: l.baseAddress!, step: t)
        }
    }

    override func cellBackward(
        _ t: Int, hPrev: UnsafePointer<T>, cPrev: UnsafePointer<T>,
        dy: UnsafePointer<T>?, ldy: Int, activeRows: Int
    ) {
        let dg = dGates.slice(t)
        lengths.withUnsafeBufferPointer { l in
            T.lstmBackward(
                gates: gates.slice(t), tanhC: tanhC.slice(t), cPrev: cPrev, dy: dy, ldy: ldy,
                dh: dh.data, dc: dc.data, dGates: dg,
                rows: batch, hidden: hiddenSize, lengths: l.baseAddress!, step: t)
        }
        if activeRows > 0 {
            T.gemm(
                transA: false, transB: false, m: activeRows, n: hiddenSize, k: gateSize,
                alpha: 1, a: dg, lda: gateSize, b: weightHH.value.data, ldb: hiddenSize,
                beta: 1, c: dh.data, ldc: hiddenSize)
        }
    }

    override var recurrentGateGradients: UnsafePointer<T> { UnsafePointer(dGates.data) }

    override func accumulateBiasGradients(rows: Int) {
        T.sumRows(dGates.data, bias.grad.data, rows: rows, cols: gateSize)
    }
}
