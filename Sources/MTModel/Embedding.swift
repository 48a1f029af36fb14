import MTCore
import MTTensor

/// Token ids → rows of a [vocabulary, dim] table.
///
/// The padding id yields a zero row and receives no gradient; backward adds only into
/// the rows that were used (a scatter-add over N rows, never a pass over the whole
/// table). `weight` is public so a generator can share it as its output projection.
public final class Embedding<T: Real> {
    public let weight: Parameter<T>
    public let vocabularySize: Int
    public let dim: Int
    public let paddingIndex: Int32
    /// [N, dim] rows of the last forward.
    public let output = Tensor<T>([0])

    public init(
        _ store: ParameterStore<T>, name: String, vocabulary: Int, dim: Int, paddingIndex: Int32 = SpecialToken.pad,
        initializer: Initializer = .uniform(0.1), rng: SeededRandom
    ) {
        vocabularySize = vocabulary
        self.dim = dim
        self.paddingIndex = paddingIndex
        weight = store.make("\(name).weight", [vocabulary, dim], initializer, rng: rng)
        // The padding row is never read through this layer; zeroing it keeps a tied
        // generator's padding logit neutral at the start.
        if paddingIndex >= 0 && Int(paddingIndex) < vocabulary {
            T.fill(weight.value.data + Int(paddingIndex) * dim, 0, dim)
        }
    }

    /// Looks up `count` ids (e.g. a time-major [T, B] batch flattened) into `output` [count, dim].
    @discardableResult
    public func forward(_ ids: UnsafePointer<Int32>, count: Int) -> Tensor<T> {
        output.resize([count, dim])
        let table = weight.value.data
        for i in 0..<count {
            let id = ids[i]
            let row = output.data + i * dim
            if id == paddingIndex {
                T.fill(row, 0, dim)
            } else {
                precondition(id >= 0 && Int(id) < vocabularySize, "id \(id) outside the vocabulary")
                T.copy(table + Int(id) * dim, row, dim)
            }
        }
        return output
    }

    /// Accumulates dOutput [count, dim] into the gradient rows of the ids used.
    public func backward(_ ids: UnsafePointer<Int32>, count: Int, dOutput: UnsafePointer<T>) {
        let grad = weight.grad.data
        for i in 0..<count where ids[i] != paddingIndex {
            T.axpy(1, dOutput + i * dim, grad + Int(ids[i]) * dim, dim)
        }
    }
}
