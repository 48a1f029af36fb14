import MTModel
import MTTensor

/// Where a training step's gradient comes from, and how the work on it is shared out:
/// `forwardBackward` leaves the whole batch's gradient (of loss / `normalizer`) in
/// `model`'s store; clipping and the optimiser's update then run over element slices.
///
/// Conformers: `SingleWorkerReducer` (the model alone, on the calling thread) and
/// `ThreadReducer` (replicas on threads, their gradients summed in a fixed order).
///
/// Across processes, `DistributedReducer`: every rank reads the same batches with the same
/// generator and runs its share of the parts of ranks × workers (its own model and
/// replicas), each with the whole batch's `normalizer`; the store's flat `gradients` are
/// then summed across the ranks in chunks, and the loss sums likewise. Every rank then
/// holds the same gradient, so the ranks' parameters stay equal without ever being sent.
public protocol GradientReducer<Scalar>: AnyObject {
    associatedtype Scalar: Real
    /// The model whose store receives the gradient and whose parameters are updated.
    var model: Seq2Seq<Scalar> { get }

    /// Zeroes the gradients, runs forward and backward on `batch`, and leaves in `model`'s
    /// store the gradient of the batch's loss / `normalizer`. Returns the sums over the batch.
    @discardableResult
    func forwardBackward(_ batch: Batch, normalizer: Int, training: Bool, rng: SeededRandom) -> CrossEntropySums

    /// The same for the batches of one update (`training.accumulate_steps`): leaves the
    /// gradient of their summed loss / `normalizer`, and returns the sums over all of them.
    @discardableResult
    func forwardBackward(_ batches: [Batch], normalizer: Int, training: Bool, rng: SeededRandom) -> CrossEntropySums

    /// `ParameterStore.clipGradients` on `model`'s store: scales the gradient to a norm of at
    /// most `maxNorm` (0: no limit) and returns the norm before.
    @discardableResult
    func clipGradients(maxNorm: Double) -> Double

    /// Runs `body` over element slices that cover every element of every parameter exactly
    /// once (a `ParameterSlices`, for `Optimizer.step(learningRate:slices:)`).
    func parameterSlices(_ body: (_ parameter: Int, _ offset: Int, _ count: Int) -> Void)
}

extension GradientReducer {
    /// The gradient of the batch's mean loss per target token.
    @discardableResult
    public func forwardBackward(_ batch: Batch, training: Bool, rng: SeededRandom) -> CrossEntropySums {
        forwardBackward(batch, normalizer: batch.targetTokenCount, training: training, rng: rng)
    }

    /// Accumulation for any conformer: batch by batch, each batch's gradient added up in a
    /// copy of the flat buffer (conformers of this module add up in the stores instead).
    @discardableResult
    public func forwardBackward(
        _ batches: [Batch], normalizer: Int, training: Bool, rng: SeededRandom
    ) -> CrossEntropySums {
        var total = CrossEntropySums()
        var sum: [Scalar] = []
        for (i, batch) in batches.enumerated() {
            let s = forwardBackward(batch, normalizer: normalizer, training: training, rng: rng)
            total.loss += s.loss
            total.nll += s.nll
            total.tokens += s.tokens
            let g = model.store.gradients
            if i == 0 {
                sum = Array(g)
            } else {
                sum.withUnsafeMutableBufferPointer { Scalar.add($0.baseAddress!, g.baseAddress!, $0.baseAddress!, g.count) }
            }
        }
        if batches.count > 1 { _ = sum.withUnsafeBufferPointer { model.store.gradients.update(fromContentsOf: $0) } }
        return total
    }
}

/// The reducer for `workers` data-parallel workers (`training.workers`): the model alone
/// for one, replicas on threads for more.
public func makeGradientReducer<T: Real>(model: Seq2Seq<T>, workers: Int) -> any GradientReducer<T> {
    workers > 1 ? ThreadReducer(model: model, workers: workers) : SingleWorkerReducer(model: model)
}
