import MTTensor

/// GRU cell with PyTorch's gate order r, z, n and formulation:
///   r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr),  z likewise,
///   n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.
/// Parameters `<name>.w_ih` [3H, I], `<name>.w_hh` [3H, H], `<name>.b_ih` [3H], `<name>.b_hh` [3H].
/// There is no cell state.
public final class GRUCell<T: Real>: RecurrentCell {
    public typealias Scalar = T
    public static var gatesPerUnit: Int { 3 }
    public static var hasCellState: Bool { false }

    public let weightIH: Parameter<T>
    public let weightHH: Parameter<T>
    public let biasIH: Parameter<T>
    public let biasHH: Parameter<T>
    let hiddenSize: Int
    let gateSize: Int
    /// [B, 3H]: h·W_hhᵀ + b_hh of the current step.
    let recurrent = Tensor<T>([0])
    /// [slots, B, H]: the n part of the recurrent term, for backward.
    let hn = Tensor<T>([0])
    /// [T, B, 3H]: gradients of the recurrent pre-activations (they differ from dGates in n).
    let dRecurrent = Tensor<T>([0])

    public init(
        _ store: ParameterStore<T>, name: String, input: Int, hidden: Int,
        initializer: Initializer, rng: SeededRandom
    ) {
        let p = Self.makeParameters(
            store, name: name, input: input, hidden: hidden, biases: ["b_ih", "b_hh"],
            initializer: initializer, rng: rng)
        (weightIH, weightHH, biasIH, biasHH) = (p.weightIH, p.weightHH, p.biases[0], p.biases[1])
        hiddenSize = hidden
        gateSize = 3 * hidden
    }

    public func prepare(slots: Int, batch: Int) {
        recurrent.resize([batch, gateSize])
        hn.resize([slots, batch, hiddenSize])
    }

    public func prepareGradients(steps: Int, batch: Int) {
        dRecurrent.resize([steps, batch, gateSize])
    }

    public func addInputBias(_ gates: UnsafeMutablePointer<T>, rows: Int) {
        T.addRowVector(biasIH.value.data, gates, rows: rows, cols: gateSize)
    }

    public func forward(_ s: RecurrentCellForward<T>) {
        if s.activeRows > 0 {
            s.multiplyRecurrent(into: recurrent.data, accumulate: false)
            T.addRowVector(biasHH.value.data, recurrent.data, rows: s.activeRows, cols: gateSize)
        }
        T.gruForward(
            gates: s.gates, recurrent: recurrent.data, hn: hn.slice(s.cacheSlot),
            hPrev: s.hPrev, h: s.h, y: s.y, ldy: s.ldy,
            rows: s.rows, hidden: hiddenSize, lengths: s.lengths, step: s.step)
    }

    public func backward(_ s: RecurrentCellBackward<T>) {
        let dr = dRecurrent.slice(s.step)
        T.gruBackward(
            gates: s.gates, hn: hn.slice(s.cacheSlot), hPrev: s.hPrev, dy: s.dy, ldy: s.ldy,
            dh: s.dh, dGates: s.dGates, dRecurrent: dr,
            rows: s.rows, hidden: hiddenSize, lengths: s.lengths, step: s.step)
        if s.activeRows > 0 {
            s.addRecurrentInputGradient(dr)
        }
    }

    public func recurrentGateGradients(_ dGates: UnsafePointer<T>) -> UnsafePointer<T> {
        UnsafePointer(dRecurrent.data)
    }

    public func accumulateBiasGradients(_ dGates: UnsafePointer<T>, rows: Int) {
        T.sumRows(dGates, biasIH.grad.data, rows: rows, cols: gateSize)
        T.sumRows(dRecurrent.data, biasHH.grad.data, rows: rows, cols: gateSize)
    }
}
