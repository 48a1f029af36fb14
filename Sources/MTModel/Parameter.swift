import MTTensor

/// A trainable tensor with a stable dotted name (e.g. `encoder.layers.0.forward.w_ih`)
/// and a gradient buffer of the same shape that backward passes accumulate into.
public final class Parameter<T: Real> {
    public let name: String
    public let value: Tensor<T>
    /// Made when first used, so a model that only translates never allocates it: a view
    /// into the store's flat gradient buffer, or a zeroed tensor of its own for a
    /// parameter made outside a store.
    public private(set) lazy var grad: Tensor<T> = makeGradient()
    /// The store's gradient buffer and this parameter's offset in it.
    private let gradientSlot: (buffer: GradientBuffer<T>, offset: Int)?

    public init(name: String, shape: [Int]) {
        self.name = name
        self.value = Tensor(shape)
        gradientSlot = nil
    }

    /// A store's parameter (in a replica's store, `value` is the primary's tensor): its
    /// gradient is laid out in `gradients`, the store's buffer.
    init(name: String, value: Tensor<T>, gradients: GradientBuffer<T>) {
        self.name = name
        self.value = value
        gradientSlot = (gradients, gradients.append(value.count))
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }

    private func makeGradient() -> Tensor<T> {
        guard let (buffer, offset) = gradientSlot else { return Tensor(value.shape) }
        return Tensor(viewing: buffer.tensor, offset: offset, shape: value.shape)
    }
}
