import MTTensor

/// Elman cell, PyTorch's `nn.RNN` with tanh:
///   h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).
/// Parameters `<name>.w_ih` [H, I], `<name>.w_hh` [H, H], `<name>.b_ih` [H], `<name>.b_hh` [H].
/// There is no cell state.
///
/// The simplest recurrence, kept as a baseline: back-propagation multiplies the gradient by
/// W_hh and a tanh derivative at every step, so over many steps it vanishes, which the
/// gated cells (LSTM, GRU) avoid.
public final class RNNCell<T: Real>: RecurrentCell {
    public typealias Scalar = T
    public static var gatesPerUnit: Int { 1 }
    public static var hasCellState: Bool { false }

    public let weightIH: Parameter<T>
    public let weightHH: Parameter<T>
    public let biasIH: Parameter<T>
    public let biasHH: Parameter<T>
    let hiddenSize: Int

    public init(
        _ store: ParameterStore<T>, name: String, input: Int, hidden: Int,
        initializer: Initializer, rng: SeededRandom
    ) {
        let p = Self.makeParameters(
            store, name: name, input: input, hidden: hidden, biases: ["b_ih", "b_hh"],
            initializer: initializer, rng: rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biases[0], p.biases[1])
        hiddenSize = hidden
    }

    /// The activations stay in the layer's gates: nothing else to keep.
    public func prepare(slots: Int, batch: Int) {}

    public func prepareGradients(steps: Int, batch: Int) {}

    /// Both biases: neither depends on h, so they join the batched input projection.
    public func addInputBias(_ gates: UnsafeMutablePointer<T>, rows: Int) {
        T.addRowVector(biasIH.value.data, gates, rows: rows, cols: hiddenSize)
        T.addRowVector(biasHH.value.data, gates, rows: rows, cols: hiddenSize)
    }

    public func forward(_ s: RecurrentCellForward<T>) {
        let n = hiddenSize
        if s.activeRows > 0 {
            s.multiplyRecurrent(into: s.gates, accumulate: true)
        }
        // Vectorised kernels per row: a handful of calls per row, none per element.
        for r in 0..<s.rows {
            let g = s.gates + r * n, h = s.h + r * n, y = s.y + r * s.ldy
            guard s.step < Int(s.lengths[r]) else {
                T.copy(s.hPrev + r * n, h, n)
                T.fill(y, 0, n)
                continue
            }
            T.tanh(g, g, n)
            T.copy(g, h, n)
            T.copy(g, y, n)
        }
    }

    public func backward(_ s: RecurrentCellBackward<T>) {
        let n = hiddenSize
        for r in 0..<s.rows {
            let dg = s.dGates + r * n
            guard s.step < Int(s.lengths[r]) else {
                T.fill(dg, 0, n)
                continue
            }
            let dh = s.dh + r * n
            if let dy = s.dy { T.add(dh, dy + r * s.ldy, dh, n) }
            T.tanhBackward(s.gates + r * n, dh, dg, n, accumulate: false)
            // The gradient has passed into dg; the GEMM below makes dh that of hPrev.
            T.fill(dh, 0, n)
        }
        if s.activeRows > 0 {
            s.addRecurrentInputGradient(s.dGates)
        }
    }

    public func recurrentGateGradients(_ dGates: UnsafePointer<T>) -> UnsafePointer<T> { dGates }

    public func accumulateBiasGradients(_ dGates: UnsafePointer<T>, rows: Int) {
        T.sumRows(dGates, biasIH.grad.data, rows: rows, cols: hiddenSize)
        T.sumRows(dGates, biasHH.grad.data, rows: rows, cols: hiddenSize)
    }
}
