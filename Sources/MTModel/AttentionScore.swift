import MTTensor

/// How a decoder state h is scored against an encoder state s ("attention: dot | general | mlp").
/// Part of the model's schema (ModelConfig.swift).
public enum AttentionScore: String, Codable, CaseIterable, Sendable {
    /// hᵀ s (requires equal sizes).
    case dot
    /// hᵀ W_a s (Luong's "general").
    case general
    /// vᵀ tanh(W_q h + W_k s + b) (Bahdanau's concat score).
    case mlp
}

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
