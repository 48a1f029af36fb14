import MTTensor

/// LSTM cell with PyTorch's gate order i, f, g, o and one bias:
///   gates = x·W_ihᵀ + h·W_hhᵀ + b;  c' = σ(f)⊙c + σ(i)⊙tanh(g);  h' = σ(o)⊙tanh(c').
/// Parameters `<name>.w_ih` [4H, I], `<name>.w_hh` [4H, H], `<name>.b` [4H], all drawn from
/// `initializer` (OpenNMT initialises biases like weights).
public final class LSTMCell<T: Real>: RecurrentCell {
    public typealias Scalar = T
    public static var gatesPerUnit: Int { 4 }
    public static var hasCellState: Bool { true }

    public let weightIH: Parameter<T>
    public let weightHH: Parameter<T>
    public let bias: Parameter<T>
    let hiddenSize: Int
    let gateSize: Int
    /// [slots, B, H]: tanh(c) of each step, for backward.
    let tanhC = Tensor<T>([0])

    public init(
        _ store: ParameterStore<T>, name: String, input: Int, hidden: Int,
        initializer: Initializer, rng: SeededRandom
    ) {
        let p = Self.makeParameters(
            store, name: name, input: input, hidden: hidden, biases: ["b"], initializer: initializer, rng: rng)
        (weightIH, weightHH, bias) = (p.weightIH, p.weightHH, p.biases[0])
        hiddenSize = hidden
        gateSize = 4 * hidden
    }

    public func prepare(slots: Int, batch: Int) {
        tanhC.resize([slots, batch, hiddenSize])
    }

    public func prepareGradients(steps: Int, batch: Int) {}

    public func addInputBias(_ gates: UnsafeMutablePointer<T>, rows: Int) {
        T.addRowVector(bias.value.data, gates, rows: rows, cols: gateSize)
    }

    public func forward(_ s: RecurrentCellForward<T>) {
        if s.activeRows > 0 {
            s.multiplyRecurrent(into: s.gates, accumulate: true)
        }
        T.lstmForward(
            gates: s.gates, cPrev: s.cPrev!, hPrev: s.hPrev, c: s.c!, tanhC: tanhC.slice(s.cacheSlot), h: s.h,
            y: s.y, ldy: s.ldy, rows: s.rows, hidden: hiddenSize, lengths: s.lengths, step: s.step)
    }

    public func backward(_ s: RecurrentCellBackward<T>) {
        T.lstmBackward(
            gates: s.gates, tanhC: tanhC.slice(s.cacheSlot), cPrev: s.cPrev!, dy: s.dy, ldy: s.ldy,
            dh: s.dh, dc: s.dc!, dGates: s.dGates,
            rows: s.rows, hidden: hiddenSize, lengths: s.lengths, step: s.step)
        if s.activeRows > 0 {
            s.addRecurrentInputGradient(s.dGates)
        }
    }

    public func recurrentGateGradients(_ dGates: UnsafePointer<T>) -> UnsafePointer<T> { dGates }

    public func accumulateBiasGradients(_ dGates: UnsafePointer<T>, rows: Int) {
        T.sumRows(dGates, bias.grad.data, rows: rows, cols: gateSize)
    }
}
