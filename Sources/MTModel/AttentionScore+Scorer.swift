import MTTensor

extension AttentionScore {
    /// The scorer of this kind: registering a score is its case and its line here.
    func scorerType<T: Real>(_: T.Type) -> any AttentionScorer<T>.Type {
        switch self {
        case .dot: DotScore<T>.self
        case .general: GeneralScore<T>.self
        case .mlp: MLPScore<T>.self
        }
    }
}
