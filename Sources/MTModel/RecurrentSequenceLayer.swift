import MTTensor

/// What a stacked encoder needs from one of its layers: a whole padded batch [T, B, I] in,
/// [T, B, outputSize] out, with final states for the bridge to the decoder. Conformers:
/// `RecurrentLayer` (any cell) and `Bidirectional`.
public protocol RecurrentSequenceLayer<Scalar>: AnyObject {
    associatedtype Scalar: Real
    var inputSize: Int { get }
    var outputSize: Int { get }
    /// LSTM layers carry a cell state c besides h; GRU and RNN layers do not.
    var hasCellState: Bool { get }
    /// [T, B, outputSize], 0 at padded steps.
    var output: Tensor<Scalar> { get }
    /// [B, outputSize]: each sequence's state after its last valid step.
    var finalH: Tensor<Scalar> { get }
    var finalC: Tensor<Scalar>? { get }
    /// [T, B, inputSize] after backward.
    var inputGradient: Tensor<Scalar> { get }
    /// [B, outputSize] after backward.
    var initialHGradient: Tensor<Scalar> { get }
    var initialCGradient: Tensor<Scalar>? { get }
    /// Whether forward keeps what backward needs (false: encoding for a search, less memory).
    var keepsHistory: Bool { get set }
    /// The packed forms of its weights (`Seq2Seq.fixWeights` marks them fixed).
    var packedWeights: [PackedWeight<Scalar>] { get }
    /// Its recurrent layers: itself, or a bidirectional layer's two directions.
    var directions: [RecurrentLayer<Scalar>] { get }

    /// x [T, B, I]; lengths (B values, all T when nil); h0, c0 [B, outputSize] or zeros.
    /// x must stay unchanged until backward.
    func forward(_ x: Tensor<Scalar>, lengths: [Int32]?, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?)
    /// Accumulates parameter gradients; fills `inputGradient` and the initial-state gradients.
    /// Any of the gradients may be nil (zero).
    func backward(dOutput: Tensor<Scalar>?, dFinalH: Tensor<Scalar>?, dFinalC: Tensor<Scalar>?)
}

extension RecurrentSequenceLayer {
    public func forward(_ x: Tensor<Scalar>, lengths: [Int32]?) {
        forward(x, lengths: lengths, h0: nil, c0: nil)
    }

    public func backward(dOutput: Tensor<Scalar>?) {
        backward(dOutput: dOutput, dFinalH: nil, dFinalC: nil)
    }
}
