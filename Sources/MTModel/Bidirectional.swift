import MTTensor

/// A forward and a reverse recurrent layer over the same input, outputs side by side:
/// [T, B, 2H] with the forward half first, final states [B, 2H] likewise.
///
/// Both directions write straight into the shared output (row stride 2H) and the reverse
/// direction adds its input gradient onto the forward one's, so nothing is copied per step.
/// Parameters `<name>.forward.*` and `<name>.backward.*`.
public final class Bidirectional<T: Real>: RecurrentSequenceLayer {
    public typealias Scalar = T
    public let forwardLayer: RecurrentLayer<T>
    public let backwardLayer: RecurrentLayer<T>
    public var inputSize: Int { forwardLayer.inputSize }
    public var hiddenSize: Int { forwardLayer.hiddenSize }
    public var outputSize: Int { 2 * forwardLayer.hiddenSize }
    public var hasCellState: Bool { forwardLayer.hasCellState }
    public var keepsHistory: Bool {
        get { forwardLayer.keepsHistory }
        set {
            forwardLayer.keepsHistory = newValue
            backwardLayer.keepsHistory = newValue
        }
    }
    public var packedWeights: [PackedWeight<T>] { forwardLayer.packedWeights + backwardLayer.packedWeights }
    public var directions: [RecurrentLayer<T>] { [forwardLayer, backwardLayer] }

    public let output = Tensor<T>([0])
    public let finalH = Tensor<T>([0])
    let finalCStorage = Tensor<T>([0])
    public var finalC: Tensor<T>? { hasCellState ? finalCStorage : nil }
    /// The forward layer's input gradient, onto which the reverse layer adds its own.
    public var inputGradient: Tensor<T> { forwardLayer.inputGradient }
    public let initialHGradient = Tensor<T>([0])
    let initialCGradientStorage = Tensor<T>([0])
    public var initialCGradient: Tensor<T>? { hasCellState ? initialCGradientStorage : nil }

    /// Per-direction halves [B, H] of h0, c0 and of the final-state gradients.
    let halves = (0..<8).map { _ in Tensor<T>([0]) }
    /// The input, kept alive for backward: both directions read it through pointers.
    var input: Tensor<T>?

    public init(
        _ store: ParameterStore<T>, name: String, cell: RecurrentCellType, input: Int, hidden: Int,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        forwardLayer = RecurrentLayer.make(
            cell, store, name: "\(name).forward", input: input, hidden: hidden,
            initializer: initializer, rng: rng)
        backwardLayer = RecurrentLayer.make(
            cell, store, name: "\(name).backward", input: input, hidden: hidden, reverse: true,
            initializer: initializer, rng: rng)
    }

    public func forward(_ x: Tensor<T>, lengths: [Int32]?, h0: Tensor<T>?, c0: Tensor<T>?) {
        precondition(x.shape.count == 3 && x.shape[2] == inputSize, "input shape \(x.shape)")
        let (steps, batch, h) = (x.shape[0], x.shape[1], hiddenSize)
        output.resize([steps, batch, 2 * h])
        input = x
        let initial = [h0, c0]
        for (k, layer) in [forwardLayer, backwardLayer].enumerated() {
            let part = split(initial, batch: batch, offset: k * h, into: 2 * k)
            layer.forward(
                x.data, steps: steps, batch: batch, lengths: lengths, h0: part[0], c0: part[1],
                output: output.data + k * h, outputStride: 2 * h)
        }
        finalH.resize([batch, 2 * h])
        join(forwardLayer.finalH, backwardLayer.finalH, into: finalH)
        if hasCellState {
            finalCStorage.resize([batch, 2 * h])
            join(forwardLayer.finalC!, backwardLayer.finalC!, into: finalCStorage)
        }
    }

    public func backward(dOutput: Tensor<T>?, dFinalH: Tensor<T>?, dFinalC: Tensor<T>?) {
        let batch = forwardLayer.batch, h = hiddenSize
        let final = [dFinalH, dFinalC]
        for (k, layer) in [forwardLayer, backwardLayer].enumerated() {
            let part = split(final, batch: batch, offset: k * h, into: 4 + 2 * k)
            layer.backward(
                dOutput: dOutput.map { UnsafePointer($0.data + k * h) }, dOutputStride: 2 * h,
                dFinalH: part[0], dFinalC: part[1],
                inputGradient: k == 0 ? nil : forwardLayer.inputGradient.data,
                accumulateInputGradient: k == 1)
        }
        initialHGradient.resize([batch, 2 * h])
        join(forwardLayer.initialHGradient, backwardLayer.initialHGradient, into: initialHGradient)
        if hasCellState {
            initialCGradientStorage.resize([batch, 2 * h])
            join(forwardLayer.initialCGradient!, backwardLayer.initialCGradient!,
                 into: initialCGradientStorage)
        }
    }

    /// Copies the columns offset..<offset+H of each [B, 2H] tensor into halves[slot...].
    private func split(_ tensors: [Tensor<T>?], batch: Int, offset: Int, into slot: Int) -> [UnsafePointer<T>?] {
        let h = hiddenSize
        return tensors.enumerated().map { i, t in
            guard let t else { return nil }
            let half = halves[slot + i]
            half.resize([batch, h])
            copyRows(t.data + offset, 2 * h, half.data, h, rows: batch, cols: h)
            return UnsafePointer(half.data)
        }
    }

    private func join(_ a: Tensor<T>, _ b: Tensor<T>, into out: Tensor<T>) {
        let (rows, h) = (a.shape[0], hiddenSize)
        copyRows(a.data, h, out.data, 2 * h, rows: rows, cols: h)
        copyRows(b.data, h, out.data + h, 2 * h, rows: rows, cols: h)
    }
}

/// Copies `rows` rows of `cols` elements between strided matrices.
func copyRows<T: Real>(
    _ x: UnsafePointer<T>, _ ldx: Int, _ y: UnsafeMutablePointer<T>, _ ldy: Int, rows: Int, cols: Int
) {
    for r in 0..<rows { T.copy(x + r * ldx, y + r * ldy, cols) }
}
