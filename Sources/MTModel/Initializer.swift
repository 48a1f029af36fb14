import MTTensor

/// How a parameter starts. Weights default to uniform ±0.1 (OpenNMT's `param_init`),
/// which trains LSTMs well; Glorot suits deep projections. Biases start at zero.
public enum Initializer: Equatable, Sendable {
    case zeros
    case constant(Double)
    case uniform(Double)
    /// Uniform ±sqrt(6 / (fanIn + fanOut)) with shape [fanOut, fanIn].
    case glorotUniform
    case normal(std: Double)

    public func fill<T: Real>(_ t: Tensor<T>, rng: SeededRandom) {
        switch self {
        case .zeros:
            t.zero()
        case .constant(let v):
            T.fill(t.data, T(v), t.count)
        case .uniform(let a):
            rng.fillUniform(t, -a, a)
        case .glorotUniform:
            let fanOut = t.shape.first ?? 1
            let fanIn = t.shape.count > 1 ? t.count / fanOut : fanOut
            let a = (6.0 / Double(fanIn + fanOut)).squareRoot()
            rng.fillUniform(t, -a, a)
        case .normal(let std):
            rng.fillNormal(t, std: std)
        }
    }
}
