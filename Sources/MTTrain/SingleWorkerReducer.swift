import MTModel
import MTTensor

/// One worker: the model alone on the calling thread, its dropout drawn straight from the
/// caller's generator; the norm is summed parameter by parameter in store order, and the
/// slices are whole parameters one after the other.
public final class SingleWorkerReducer<T: Real>: GradientReducer {
    public let model: Seq2Seq<T>
    private let slices: ParameterSlices

    public init(model: Seq2Seq<T>) {
        self.model = model
        slices = sequentialSlices(model.store.parameters.map(\.count))
    }

    @discardableResult
    public func forwardBackward(
        _ batch: Batch, normalizer: Int, training: Bool, rng: SeededRandom
    ) -> CrossEntropySums {
        model.store.zeroGradients()
        return model.forwardBackward(batch, training: training, rng: rng, normalizer: normalizer)
    }

    /// The batches one after the other, their gradients added up in the store.
    @discardableResult
    public func forwardBackward(
        _ batches: [Batch], normalizer: Int, training: Bool, rng: SeededRandom
    ) -> CrossEntropySums {
        model.store.zeroGradients()
        var total = CrossEntropySums()
        for batch in batches {
            let s = model.forwardBackward(batch, training: training, rng: rng, normalizer: normalizer)
            total.loss += s.loss
            total.nll += s.nll
            total.tokens += s.tokens
        }
        return total
    }

    @discardableResult
    public func clipGradients(maxNorm: Double) -> Double {
        model.store.clipGradients(maxNorm: maxNorm)
    }

    public func parameterSlices(_ body: (_ parameter: Int, _ offset: Int, _ count: Int) -> Void) {
        slices(body)
    }
}
