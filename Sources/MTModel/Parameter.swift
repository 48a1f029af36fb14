import MTTensor

/// A trainable tensor with a stable dotted name (e.g. `encoder.layers.0.forward.w_ih`)
/// and a gradient buffer of the same shape that backward passes accumulate into.
public final class Parameter<T: Real> {
    public let name: String
    public let value: Tensor<T>
    public let grad: Tensor<T>

    public init(name: String, shape: [Int]) {
        self.name = name
        self.value = Tensor(shape)
        self.grad = Tensor(shape)
    }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }
}
