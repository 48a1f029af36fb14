import MTTensor

/// The cell of the recurrent layers, encoder and decoder, as configured ("cell: lstm | gru | rnn").
/// Part of the model's schema (ModelConfig.swift).
public enum RecurrentCellType: String, Codable, CaseIterable, Sendable {
    case lstm
    case gru
    case rnn
}

extension RecurrentCellType {
    /// The type implementing each cell: the one place a cell is registered. Everything
    /// else about a cell (its state, its gate width) is asked of this type.
    func implementation<T: Real>(_: T.Type) -> any RecurrentCell<T>.Type {
        switch self {
        case .lstm: LSTMCell<T>.self
        case .gru: GRUCell<T>.self
        case .rnn: RNNCell<T>.self
        }
    }

    /// Whether layers of this cell carry a cell state c besides h.
    public var hasCellState: Bool { implementation(Float.self).hasCellState }
    /// Gate pre-activations per hidden unit (4 for the LSTM): W_ih is [gatesPerUnit·H, I].
    public var gatesPerUnit: Int { implementation(Float.self).gatesPerUnit }
}
