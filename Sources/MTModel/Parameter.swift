import MTTensor

/// A trainable tensor with a stable dotted name (e.g. `encoder.layers.0.forward.w_ih`)
/// and a gradient buffer of the same shape that backward passes accumulate into.
public final class Parameter<T: Real> {
    public let name: String
    public let value: Tensor<T>
    /// Zeroed when first used, so a model that only translates never allocates it.
    public private(set) lazy var grad = Tensor<T>(value.shape)

    public init(name: String, shape: [Int]) {
        self.name = name
        self.value = Tensor(shape)
    }

    /// A parameter bound to an existing value tensor (a model replica's view of the primary's
    /// parameter) with its own gradient buffer.
    public init(name: String, sharing value: Tensor<T>) {
        self.name = name
        self.value = value
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }
}
