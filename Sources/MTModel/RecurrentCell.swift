import MTTensor

/// What a recurrent cell supplies to `RecurrentLayer`: its parameters and the part of a
/// step between the layer's batched GEMMs.
///
/// The layer projects the inputs of all steps at once (x·W_ihᵀ, then `addInputBias`) into
/// gate pre-activations [T, B, G] (G = gatesPerUnit·H). Per step, `forward` adds the
/// recurrent term and runs the fused pointwise cell; `backward` turns the gradients of the
/// state after the step into gate gradients and the gradients of the state before it.
/// After the last step back, the layer forms the input gradient (dGates·W_ih) and the W_ih,
/// W_hh gradients in one GEMM each, with `recurrentGateGradients`, and asks the cell for
/// its bias gradients.
///
/// The layer's buffers reach the cell only through the step arguments; the cell owns what
/// it keeps for backward (sized by `prepare`, indexed by the step's `cacheSlot`).
/// Masking is the cell's too: rows with step >= lengths[row] keep their state, write 0 to
/// y, get zero gate gradients and pass dh (and dc) through unchanged.
public protocol RecurrentCell<Scalar>: AnyObject {
    associatedtype Scalar: Real
    /// Gate pre-activations per hidden unit: 4 (LSTM), 3 (GRU), 1 (RNN).
    static var gatesPerUnit: Int { get }
    /// Whether the cell carries a state c besides h.
    static var hasCellState: Bool { get }

    /// Creates the parameters in PyTorch's order, each drawn from `initializer` in turn:
    /// `<name>.w_ih` [G, I], `<name>.w_hh` [G, H], then the biases.
    init(
        _ store: ParameterStore<Scalar>, name: String, input: Int, hidden: Int,
        initializer: Initializer, rng: SeededRandom)

    var weightIH: Parameter<Scalar> { get }
    var weightHH: Parameter<Scalar> { get }

    /// Sizes the per-step caches for `slots` steps of `batch` rows (one slot when the
    /// layer keeps no history) and any per-step scratch.
    func prepare(slots: Int, batch: Int)
    /// Sizes the cell's own backward buffers, at the start of backward.
    func prepareGradients(steps: Int, batch: Int)
    /// Adds the biases that do not depend on h to `rows` rows of gate pre-activations.
    func addInputBias(_ gates: UnsafeMutablePointer<Scalar>, rows: Int)
    /// Completes the step's gates with the recurrent term, activates them in place and
    /// writes h (and c) and y.
    func forward(_ step: RecurrentCellForward<Scalar>)
    /// Writes the step's dGates and turns dh (and dc) into the gradients of the previous
    /// state, including the recurrent GEMM.
    func backward(_ step: RecurrentCellBackward<Scalar>)
    /// [T, B, G]: the gradients that multiply the previous states into W_hh's gradient,
    /// given the layer's `dGates` (the same, unless the recurrent term is gated).
    func recurrentGateGradients(_ dGates: UnsafePointer<Scalar>) -> UnsafePointer<Scalar>
    /// Adds the bias gradients of the first `rows` rows of `dGates` [rows, G].
    func accumulateBiasGradients(_ dGates: UnsafePointer<Scalar>, rows: Int)
}

/// One forward step as the layer hands it to its cell: row strides are G for gates,
/// H for states and `ldy` for y.
public struct RecurrentCellForward<T: Real> {
    /// The step t, against which `lengths` mask the rows.
    public let step: Int
    /// Where the cell keeps this step's caches.
    public let cacheSlot: Int
    public let rows: Int
    /// Rows up to the last active one: the recurrent GEMM may skip the rest.
    public let activeRows: Int
    public let lengths: UnsafePointer<Int32>
    /// [B, G]: the input part of the pre-activations, to be completed and activated.
    public let gates: UnsafeMutablePointer<T>
    public let hPrev: UnsafePointer<T>
    public let h: UnsafeMutablePointer<T>
    /// The cell state before and after the step; nil for cells without one.
    public let cPrev: UnsafePointer<T>?
    public let c: UnsafeMutablePointer<T>?
    public let y: UnsafeMutablePointer<T>
    public let ldy: Int
    /// W_hh packed for hPrev · W_hhᵀ (`multiplyRecurrent`).
    public let recurrentWeight: PackedWeight<T>
}

/// One backward step as the layer hands it to its cell.
public struct RecurrentCellBackward<T: Real> {
    public let step: Int
    /// Where forward kept this step's caches.
    public let cacheSlot: Int
    public let rows: Int
    public let activeRows: Int
    public let lengths: UnsafePointer<Int32>
    /// [B, G]: the step's activated gates, as forward left them.
    public let gates: UnsafePointer<T>
    /// [B, G]: the step's gate gradients, written by the cell.
    public let dGates: UnsafeMutablePointer<T>
    public let hPrev: UnsafePointer<T>
    public let cPrev: UnsafePointer<T>?
    /// Gradient of the step's output (rows of stride `ldy`), nil for zero.
    public let dy: UnsafePointer<T>?
    public let ldy: Int
    /// [B, H]: gradients of the state after the step in, of the state before it out.
    public let dh: UnsafeMutablePointer<T>
    public let dc: UnsafeMutablePointer<T>?
    /// W_hh packed for dPre · W_hh (`addRecurrentInputGradient`).
    public let recurrentWeight: PackedWeight<T>
}

extension RecurrentCell {
    /// The parameters every cell has, as PyTorch names and orders them: `<name>.w_ih` [G, I],
    /// `<name>.w_hh` [G, H], then one bias [G] per name in `biases`, each drawn from
    /// `initializer` in turn (G = gatesPerUnit·H).
    static func makeParameters(
        _ store: ParameterStore<Scalar>, name: String, input: Int, hidden: Int, biases: [String],
        initializer: Initializer, rng: SeededRandom
    ) -> (weightIH: Parameter<Scalar>, weightHH: Parameter<Scalar>, biases: [Parameter<Scalar>]) {
        let g = gatesPerUnit * hidden
        let wih = store.make("\(name).w_ih", [g, input], initializer, rng: rng)
        let whh = store.make("\(name).w_hh", [g, hidden], initializer, rng: rng)
        return (wih, whh, biases.map { store.make("\(name).\($0)", [g], initializer, rng: rng) })
    }

}

extension RecurrentCellForward {
    /// out[..activeRows] (+)= hPrev · W_hhᵀ: the recurrent term of the step's gate
    /// pre-activations, rows of width G.
    public func multiplyRecurrent(into out: UnsafeMutablePointer<T>, accumulate: Bool) {
        recurrentWeight.multiply(
            hPrev, lda: recurrentWeight.depth, rows: activeRows, into: out, ldc: recurrentWeight.outputs,
            accumulate: accumulate)
    }
}

extension RecurrentCellBackward {
    /// dh[..activeRows] += dPre · W_hh: the gradient of the previous state through the
    /// recurrent term, from the gradients of what multiplies it (rows of width G).
    public func addRecurrentInputGradient(_ dPre: UnsafePointer<T>) {
        recurrentWeight.multiply(
            dPre, lda: recurrentWeight.depth, rows: activeRows, into: dh, ldc: recurrentWeight.outputs,
            accumulate: true)
    }
}
