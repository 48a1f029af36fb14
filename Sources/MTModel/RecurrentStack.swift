import MTTensor

/// L recurrent layers (uni- or bidirectional, of any cell) over a padded batch, with
/// inverted dropout on the inputs of layers 2..L during training: the encoder.
///
/// Layer l is named `<name>.layers.<l>`, its directions `.forward` and (bidirectional)
/// `.backward`: e.g. `encoder.layers.0.forward.w_ih`. Every layer's final states stay
/// available for the bridge to the decoder.
public final class RecurrentStack<T: Real> {
    public let layers: [any RecurrentSequenceLayer<T>]
    public let dropout: Double
    public let cell: RecurrentCellType
    public let bidirectional: Bool
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    public var hasCellState: Bool { cell.hasCellState }

    /// Per layer l >= 1: the dropout mask and the dropped input [T, B, D].
    let masks: [Tensor<T>]
    let droppedInputs: [Tensor<T>]
    /// Per layer l >= 1: gradient of the previous layer's output (input gradient ⊙ mask).
    let outputGradients: [Tensor<T>]
    var dropoutApplied = false

    public init(
        _ store: ParameterStore<T>, name: String = "encoder", cell: RecurrentCellType, layers count: Int,
        input: Int, hidden: Int, bidirectional: Bool, dropout: Double = 0,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        precondition(count >= 1 && (0..<1).contains(dropout))
        self.cell = cell
        self.bidirectional = bidirectional
        self.dropout = dropout
        var layers: [any RecurrentSequenceLayer<T>] = []
        var size = input
        for l in 0..<count {
            let prefix = "\(name).layers.\(l)"
            if bidirectional {
                layers.append(Bidirectional(
                    store, name: prefix, cell: cell, input: size, hidden: hidden,
                    initializer: initializer, rng: rng))
            } else {
                layers.append(RecurrentLayer.make(
                    cell, store, name: "\(prefix).forward", input: size, hidden: hidden,
                    initializer: initializer, rng: rng))
            }
            size = layers[l].outputSize
        }
        self.layers = layers
        masks = (0..<count).map { _ in Tensor<T>([0]) }
        droppedInputs = (0..<count).map { _ in Tensor<T>([0]) }
        outputGradients = (0..<count).map { _ in Tensor<T>([0]) }
    }

    /// [T, B, outputSize]: the top layer's output.
    public var output: Tensor<T> { layers[layers.count - 1].output }
    /// Each layer's final h [B, D] (D = H, or 2H bidirectional).
    public var finalH: [Tensor<T>] { layers.map { $0.finalH } }
    /// Each layer's final c (LSTM only).
    public var finalC: [Tensor<T>]? { hasCellState ? layers.map { $0.finalC! } : nil }
    /// [T, B, input] after backward.
    public var inputGradient: Tensor<T> { layers[0].inputGradient }

    /// Runs all layers from zero initial states. With `training` and dropout > 0, the
    /// inputs of layers 2..L are dropped out with masks drawn from `rng`. `backward: false`
    /// promises that no backward pass follows, so the layers keep no per-step history.
    public func forward(
        _ x: Tensor<T>, lengths: [Int32]?, training: Bool, rng: SeededRandom? = nil, backward: Bool = true
    ) {
        dropoutApplied = training && dropout > 0
        var input = x
        for (l, layer) in layers.enumerated() {
            layer.keepsHistory = backward
            if l > 0 && dropoutApplied {
                guard let rng else { preconditionFailure("training dropout needs a random source") }
                let mask = masks[l], dropped = droppedInputs[l]
                mask.resize(input.shape)
                dropped.resize(input.shape)
                T.dropoutMask(rng, keep: 1 - dropout, mask.data, mask.count)
                T.mul(input.data, mask.data, dropped.data, mask.count)
                input = dropped
            }
            layer.forward(input, lengths: lengths, h0: nil, c0: nil)
            input = layer.output
        }
    }

    /// Back-propagates from the output gradient and, per layer, optional gradients of the
    /// final states (nil arrays or entries mean zero). Fills `inputGradient`. `layerFinished`
    /// is called with l as soon as layer l's parameter gradients are final (top layer first).
    public func backward(
        dOutput: Tensor<T>?, dFinalH: [Tensor<T>?]? = nil, dFinalC: [Tensor<T>?]? = nil,
        layerFinished: ((Int) -> Void)? = nil
    ) {
        var dOut = dOutput
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            layer.backward(dOutput: dOut, dFinalH: dFinalH?[l], dFinalC: dFinalC?[l])
            layerFinished?(l)
            guard l > 0 else { break }
            if dropoutApplied {
                let g = outputGradients[l], dx = layer.inputGradient
                g.resize(dx.shape)
                T.mul(dx.data, masks[l].data, g.data, dx.count)
                dOut = g
            } else {
                dOut = layer.inputGradient
            }
        }
    }
}
