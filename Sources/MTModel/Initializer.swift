import MTTensor

/// How a parameter starts. Weights default to uniform ±0.1 (OpenNMT's `param_init`),
/// which trains LSTMs well. Biases start at zero.
public enum Initializer: Equatable, Sendable {
    case zeros
    case constant(Double)
    case uniform(Double)

    public func fill<T: Real>(_ t: Tensor<T>, rng: SeededRandom) {
        switch self {
        case .zeros:
            t.zero()
        case .constant(let v):
            T.fill(t.data, T(v), t.count)
        case .uniform(let a):
            rng.fillUniform(t, -a, a)
        }
    }
}
